import { emailDigestContent } from './email-digest.ts';
import { emailContent } from './email-message.ts';
import type { MailSender } from './mail-sender.ts';
import type { NotificationChannelAdapter } from './notification-channel.ts';

/** E-mail over SMTP: the recipient is the address; subject, text and HTML parts from the event's templates; digests as one message. */
export const emailChannel = (mail: MailSender): NotificationChannelAdapter => ({
  kind: 'email',
  deliver: ({ notification, templates, view }) => mail.send({ ...emailContent(templates, view), to: notification.recipient }),
  deliverDigest: (deliveries) => mail.send({ ...emailDigestContent(deliveries), to: deliveries[0].notification.recipient }),
});
