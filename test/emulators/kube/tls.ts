// The emulator's own certificate authority and a server certificate for 127.0.0.1 / localhost.
// Keys come from node:crypto (native, fast); node-forge (selfsigned's engine) only builds and
// signs the X.509 structures. One CA per process: every emulator started in a test run shares it,
// so a suite does not pay for key generation more than once.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

export interface EmulatorTls {
  /** PEM of the CA certificate: goes into the kubeconfig as certificate-authority-data. */
  caPem: string;
  certPem: string;
  keyPem: string;
}

function newKeyPair(): { publicKey: forge.pki.PublicKey; privateKey: forge.pki.PrivateKey; keyPem: string } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const fPriv = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  const fPub = forge.pki.setRsaPublicKey(fPriv.n, fPriv.e);
  return { publicKey: fPub, privateKey: fPriv, keyPem };
}

function serial(): string {
  // Positive serial: clear the top bit.
  const b = randomBytes(16);
  b[0] = b[0]! & 0x7f;
  return b.toString('hex');
}

function validity(cert: forge.pki.Certificate): void {
  const now = Date.now();
  cert.validity.notBefore = new Date(now - 24 * 3600 * 1000);
  cert.validity.notAfter = new Date(now + 365 * 24 * 3600 * 1000);
}

function build(): EmulatorTls {
  const ca = newKeyPair();
  const caCert = forge.pki.createCertificate();
  caCert.publicKey = ca.publicKey;
  caCert.serialNumber = serial();
  validity(caCert);
  const caSubject = [{ name: 'commonName', value: 'kubeforensys-emulator-ca' }];
  caCert.setSubject(caSubject);
  caCert.setIssuer(caSubject);
  caCert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  caCert.sign(ca.privateKey as forge.pki.rsa.PrivateKey, forge.md.sha256.create());

  const srv = newKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = srv.publicKey;
  cert.serialNumber = serial();
  validity(cert);
  cert.setSubject([{ name: 'commonName', value: 'kube-apiserver' }]);
  cert.setIssuer(caSubject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 7, ip: '127.0.0.1' },
        { type: 2, value: 'localhost' },
        { type: 2, value: 'kubernetes.default.svc' },
      ],
    },
  ]);
  cert.sign(ca.privateKey as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return { caPem: forge.pki.certificateToPem(caCert), certPem: forge.pki.certificateToPem(cert), keyPem: srv.keyPem };
}

let cached: EmulatorTls | undefined;

export function emulatorTls(): EmulatorTls {
  cached ??= build();
  return cached;
}
