/** The password rules' messages (security/passwordRules.ts), shown under the password field. */
export const passwordRulesEn = {
  'password.rule.text': 'Type a password.',
  'password.rule.tooShort': 'The password needs at least {min} characters; this one has {length}.',
  'password.rule.tooLong': 'The password may have at most {max} characters; this one has {length}.',
  'password.rule.userId': 'The password must not be a user ID of the person.',
  'password.rule.name': 'The password must not be the person\'s name.',
  'password.rule.common': 'This password is on the list of common and breached passwords; choose another.',
  'password.rule.temporary': 'This is the temporary password you were given; choose one of your own.',
} as const;
