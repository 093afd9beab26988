// Crypto-miner indicators, shared by the pod rules (images, command, args) and the content rules
// (history commands and log lines); a module of its own so neither imports the other for them.

export const MINER_IMAGE = /(?:^|[/_-])(xmrig|xmr-stak|minerd|cpuminer|cpuminer-opt|ccminer|cgminer|bfgminer|ethminer|nbminer|t-rex|lolminer|phoenixminer|nanominer|gminer|teamredminer|srbminer|srbminer-multi|wildrig|kinsing|kdevtmpfsi|xmr-node-proxy|moneroocean)(?:[/:@_-]|$)/i;
export const MINER_ARG = [
  /stratum\d?\+(?:tcp|ssl|tls):\/\//i,
  /\b(?:supportxmr|nanopool|minexmr|2miners|f2pool|hashvault|moneroocean|nicehash|ethermine|c3pool|herominers|minergate|unmineable|xmrpool|monerohash|dwarfpool|xmrig)\.[a-z]/i,
  /--donate-level\b|--randomx\b|--cpu-max-threads-hint\b|(?:^|\s)-a\s+(?:rx\/0|cryptonight|randomx)\b/i,
  /[a-z0-9.-]+:(?:3333|4444|5555|7777|14433|14444|45700)\b/i,
];

