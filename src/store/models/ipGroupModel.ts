import { Schema, type Connection, type Model } from 'mongoose';

/**
 * A named list of address ranges (product.md "Person", IP-Group): a person with an IP
 * group signs in only from those ranges. `ranges` are normalised CIDR blocks
 * ("10.0.0.0/8", "2001:db8::/32"). `_id` is the lower-cased name: unique ignoring case
 * by the atomic refusal of an existing _id.
 */
export type StoredIpGroup = { _id: string; name: string; text: string; ranges: string[]; lastUpdate: Date };

const ipGroupSchema = new Schema<StoredIpGroup>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    text: { type: String, default: '' },
    ranges: { type: [String], required: true },
    lastUpdate: { type: Date, required: true },
  },
  { versionKey: false },
);

export function ipGroupModel(connection: Connection): Model<StoredIpGroup> {
  return (connection.models.IpGroup as Model<StoredIpGroup> | undefined) ?? connection.model<StoredIpGroup>('IpGroup', ipGroupSchema, 'ip_groups');
}
