import { Schema, type Connection, type Model } from 'mongoose';

/**
 * A message kept instead of sent, in development only, when its channel has no provider
 * (delivery/devOutbox.ts). In the database so that every instance's /dev/outbox shows it.
 * `_id` is `<ISO time>-<sequence>-<random>`: sorting by _id is sorting by time.
 */
export type DevOutboxMessage = {
  _id: string;
  channel: 'email' | 'sms';
  to: string;
  subject?: string;
  text: string;
  html?: string;
  storedAt: Date;
};

const devOutboxSchema = new Schema<DevOutboxMessage>(
  {
    _id: { type: String, required: true },
    channel: { type: String, required: true },
    to: { type: String, required: true },
    subject: String,
    text: { type: String, required: true },
    html: String,
    storedAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export function devOutboxModel(connection: Connection): Model<DevOutboxMessage> {
  return (connection.models.DevOutboxMessage as Model<DevOutboxMessage> | undefined) ??
    connection.model<DevOutboxMessage>('DevOutboxMessage', devOutboxSchema, 'dev_outbox');
}
