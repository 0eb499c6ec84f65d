import { z } from 'zod';
import { maxPageSize } from '../../directory/filterPersons.ts';
import { contexts } from '../../policy/types.ts';

/** The query parameters of the person operations, as the OpenAPI document tells them (personRoutes.ts reads them). */

const yesNo = (description: string) => z.enum(['Y', 'N']).meta({ description });

export const personListQuerySchema = z.object({
  q: z.string().max(100).meta({ description: 'Free text: part of the name, first or family name, email, external ID, employee or ID number, or a user ID (ignoring case).' }),
  user_id: z.string().meta({ description: 'Exactly this user ID (ignoring case).' }),
  totp: yesNo('TOTP key registered.'),
  questions: yesNo('Private questions answered.'),
  mfa: yesNo('A second factor is required at sign-in (the MFA plan).'),
  page: z.number().int().min(1).max(1_000_000).default(1).meta({ description: '1-based page number.' }),
  page_size: z.number().int().min(1).max(maxPageSize).default(50).meta({ description: 'Persons per page.' }),
});

export const planQuerySchema = z.object({ context: z.enum(contexts).default('MFA').meta({ description: 'MFA sign-in, AOD elevated access, P-R password reset.' }) });

export const totpCreateQuerySchema = z.object({ email: z.enum(['true', 'false']).meta({ description: 'true: email the person a registration link (as the body field `email`).' }) });
