import { createTransport } from 'nodemailer';
import type { EmailContent } from './email-message.ts';

/** The e-mail channel's port: sends one message or throws (the worker records the failure and retries). */
export interface MailSender {
  send(message: EmailContent & { readonly to: string }): Promise<void>;
}

/**
 * SMTP adapter (nodemailer) for `REMIT_SMTP_URL`, e.g. smtp://user:pass@mail.example.com:587 or smtps://…:465.
 * Timeouts may be set in the URL's query (connectionTimeout, greetingTimeout, socketTimeout, in ms).
 */
export function smtpMailSender(smtpUrl: string, from: string): MailSender {
  const transport = createTransport(smtpUrl);
  return {
    async send(message) {
      await transport.sendMail({ from, to: message.to, subject: message.subject, text: message.text, html: message.html });
    },
  };
}
