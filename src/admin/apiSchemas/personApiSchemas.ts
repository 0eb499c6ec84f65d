import { z } from 'zod';
import { passwordRulesDescription, passwordSchema, personFields, personName } from '../../directory/schemas/personSchema.ts';
import { noTimeLimit } from '../../directory/temporaryPasswords.ts';
import { unlockableFactors } from '../../factors/attempts/unlockPerson.ts';

/** The admin API's documents about persons, other than the person input itself (personSchema). */

const text = (description: string) => z.string().meta({ description });
const dateTime = (description: string) => z.string().meta({ format: 'date-time', description });
const count = (description?: string) => z.number().int().min(0).meta(description ? { description } : {});
const { name: _name, password: _password, password_hash: _hash, ...changeable } = personFields;

export const personChangesSchema = z
  .strictObject({ ...changeable, password: passwordSchema.optional().meta({ description: `A new password. ${passwordRulesDescription}`, writeOnly: true }) })
  .partial()
  .meta({ id: 'PersonChanges', description: 'Only the fields to change; null removes a profile field. The name changes only by rename.' });

const { password: _p, password_hash: _h, ...shown } = personFields;
export const personViewSchema = z
  .object({
    sub: text('The immutable OIDC subject.'),
    ...shown,
    default_user_id: z.string().meta({ description: 'The login name typed on the sign-in page.' }),
    user_ids: z.array(z.string()).meta({ description: 'More user IDs the person may sign in with.' }),
    enabled: z.boolean().meta({ description: 'A disabled person cannot sign in.' }),
    roles: z.array(z.string()).meta({ description: 'Roles, such as `admin` (may use this API).' }),
    class: text('A class name, `*DFT` (the default class) or `*NEVER` (no second factor).'),
    email_verified: z.boolean().optional().meta({ description: 'The email is verified; shown whenever there is an email.' }),
    phone_verified: z.boolean().optional().meta({ description: 'The cell phone is verified; shown whenever there is a cell phone.' }),
    has_password: z.boolean(),
    temporary_password: z
      .object({
        issued_at: dateTime('When an admin or a password reset issued it.'),
        expires_at: dateTime('When it stops signing in; absent: no time limit.').optional(),
      })
      .optional()
      .meta({ description: 'Present while the password is a temporary one: it signs in only until `expires_at`, and at that sign-in the person chooses their own, which ends it.' }),
    last_update: dateTime('Last change of the record.'),
    last_used: dateTime('Last successful sign-in.').optional(),
  })
  .meta({ id: 'PersonView' });

export const personPageSchema = z.object({ items: z.array(personViewSchema), total: z.number().int(), page: z.number().int(), page_size: z.number().int() }).meta({ id: 'PersonPage' });

export const renameSchema = z.strictObject({ new_name: personName.meta({ description: 'The new name: unique ignoring case; 1 to 64 letters, digits or . _ @ + -.' }) }).meta({ id: 'PersonRename' });
export const setPasswordSchema = z
  .union([
    z.strictObject({ password: passwordSchema.meta({ description: `A password of the admin's choosing (answer 204). ${passwordRulesDescription}`, writeOnly: true }) }),
    z.strictObject({
      temporary: z.literal(true).meta({ description: 'A temporary password made by Gatehouse, given in the answer (200) this once.' }),
      minutes: z
        .number()
        .int()
        .min(1)
        .max(noTimeLimit)
        .optional()
        .meta({ description: `How long it signs in: 1 to ${noTimeLimit} minutes (${noTimeLimit}: no time limit). Left out: the class's "Password must be changed in".` }),
    }),
  ])
  .meta({ id: 'PersonPassword', description: 'Either `password`, or `temporary: true` (with `minutes` if wanted); not both.' });

export const temporaryPasswordSchema = z
  .object({
    password: text('The temporary password, in this answer only (Gatehouse keeps only its hash and never logs it): give it to the person by a safe way.'),
    expires_at: z.string().nullable().meta({ format: 'date-time', description: 'When it stops signing in (ISO 8601); null: no time limit.' }),
  })
  .meta({ id: 'TemporaryPassword' });

export const planSchema = z
  .object({
    plan: z.object({}).loose().meta({ description: 'The planner\'s decision: context, secondFactorRequired, challenge, alternatives, enrolment, denied, skipped, explanation.' }),
    text: text('The plan in words, as option 9 shows it.'),
  })
  .meta({ id: 'Plan' });

export const personQuestionsSchema = z
  .object({
    name: text('The person\'s name.'),
    questions: z.array(z.object({ id: text('The question\'s id (new at every change).'), text: text('The question as shown at sign-in.') })).meta({ description: 'The questions in the order given; never the answers.' }),
  })
  .meta({ id: 'PersonQuestions' });

export const questionAnswersSchema = z
  .array(
    z.strictObject({
      question: z.string().min(3).max(200).meta({ description: '3 to 200 characters.' }),
      answer: z.string().min(1).max(200).meta({ description: '1 to 200 characters; compared ignoring case and extra spaces; stored only as a salted hash.', writeOnly: true }),
    }),
  )
  .max(20)
  .meta({ id: 'QuestionAnswers', description: 'Every question with its answer; an empty list removes them. No question twice (ignoring case and spacing).' });

export const unlockSchema = z.strictObject({
  factor: z.enum(unlockableFactors).nullable().optional().meta({ description: 'Only this factor (matched ignoring case); absent or null: every factor.' }),
}).meta({ id: 'UnlockRequest' });

export const unlockResultSchema = z
  .object({
    name: text('The person\'s name.'),
    sub: text('The person\'s OIDC subject.'),
    factor: text('The factor unlocked, or `all`.'),
    locks_cleared: count('Locks that waited for an administrator ("Wait before next attempt" 999).'),
    failures_cleared: count('Counted failures forgotten (a timed lock ends with them).'),
  })
  .meta({ id: 'UnlockResult' });
