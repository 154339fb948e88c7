// Text for people that may hold a URL with a user and password (SMTP_URL, DATABASE_URL).

/** `text` with every `//user:password@` of a URL in it written `//***@`; any other text unchanged. */
export function hideUrlCredentials(text: string): string {
  return text.replace(/\/\/[^@/\s]*@/g, '//***@');
}
