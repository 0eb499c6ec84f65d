import { Schema, type Connection, type Model } from 'mongoose';
import type { ClassPolicy } from '../../policy/types.ts';

/**
 * A class (product.md "Class"): the fields of policy/types.ts ClassPolicy. `_id` is the
 * lower-cased name, so that two classes whose names differ only in case cannot both be
 * inserted: an existing _id is refused atomically by MongoDB and the embedded database alike.
 */
export type StoredClass = ClassPolicy & { _id: string; lastUpdate: Date };

const classSchema = new Schema<StoredClass>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    text: { type: String, default: '' },
    mfaDevice: { type: String, required: true },
    noScreenChannel: { type: String, required: true },
    emailDomain: String,
    allowOtpInsteadOfTotp: { type: Boolean, required: true },
    // { MFA: { TOTP: 1 }, AOD: {}, "P-R": {} }: kept as given, empty contexts included.
    priorities: { type: Schema.Types.Mixed, required: true },
    apiProvider: String,
    questionCount: { type: Number, required: true },
    maxRetries: { type: Number, required: true },
    waitSeconds: { type: Number, required: true },
    passwordReset: {
      verifyBy: { type: String, required: true },
      newPasswordBy: { type: String, required: true },
      resetBy: { type: String, required: true },
      mustChangeMinutes: { type: Number, required: true },
    },
    lastUpdate: { type: Date, required: true },
  },
  { versionKey: false, minimize: false },
);

export function classModel(connection: Connection): Model<StoredClass> {
  return (connection.models.Class as Model<StoredClass> | undefined) ?? connection.model<StoredClass>('Class', classSchema, 'classes');
}
