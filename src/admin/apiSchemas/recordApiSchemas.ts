import { z } from 'zod';
import { classFields } from '../../directory/schemas/classSchema.ts';
import { clientFields } from '../../directory/schemas/clientSchema.ts';
import { fieldsOf } from '../../directory/schemas/commonFields.ts';
import { rangesSchema } from '../../directory/schemas/ipGroupSchema.ts';

/** The admin API's answers about classes, IP groups, clients, and settings, and its error. */

const text = (description: string) => z.string().meta({ description });
const lastUpdate = z.string().meta({ format: 'date-time', description: 'Last change.' });
/** Every field of a stored record is in its view; these only when set. */
const requiredBut = (fields: object, optional: string[]) => Object.keys(fields).filter((field) => !optional.includes(field));

export const errorSchema = z
  .object({
    error: text('invalid_request (400, 413, 415), invalid_token (401), insufficient_scope (403), not_found (404), method_not_allowed (405), conflict (409), server_error (500).'),
    error_description: text('What is wrong, as a sentence; for a bad field it starts with the field name ("email: …").'),
  })
  .meta({ id: 'Error' });

export const classViewSchema = z
  .object({ ...classFields, last_update: lastUpdate })
  .meta({ id: 'ClassView', required: [...requiredBut(classFields, ['email_domain', 'api_provider']), 'last_update'] });

export const ipGroupViewSchema = z
  .object({ name: z.string().meta({ description: 'The name, upper-case.' }), text: text('Description.'), ranges: rangesSchema, last_update: lastUpdate })
  .meta({ id: 'IpGroupView' });

const { client_secret: _secret, ...clientViewFields } = clientFields;
export const clientViewSchema = z
  .object({ ...clientViewFields, created_at: z.string().meta({ format: 'date-time', description: 'When the client was registered.' }) })
  .meta({ id: 'ClientView', required: [...requiredBut(clientViewFields, ['client_name', 'jwks_uri']), 'created_at'] });

export const clientCreatedSchema = z
  .object({ client: clientViewSchema, client_secret: text('The secret of a confidential client: shown in this answer only.').optional() })
  .meta({ id: 'ClientCreated' });

const className = 'required, the name of a class, or null for none.';

/** The body of PUT /settings/default-class (settingsRoutes.ts checks it with this schema), and its answer. */
export const defaultClassSchema = fieldsOf(
  { name: z.string({ error: className }).min(1, { error: className }).nullable().meta({ description: 'The class of persons whose class is *DFT; null for none.' }) },
  'a field of this request',
  'The request body must be a JSON object.',
).meta({ id: 'DefaultClass' });
