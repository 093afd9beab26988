// Notifications render [text](target) as a link, command: targets included. Messages can carry
// text from the cluster (API error messages, names), so the link syntax is broken up before they
// are shown; the log keeps the exact text.
export function inertLinks(message: string): string {
  return message.replace(/\]\s*\(/g, '] (');
}
