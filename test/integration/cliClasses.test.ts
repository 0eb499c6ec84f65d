import { userInfo } from 'node:os';
import {
  cliWorkDir,
  newDatabase,
  runGatehouse,
  runGatehouseJson,
  withDatabase,
  writeDocument,
  type Database,
} from '../support/gatehouseCli.ts';

let work: ReturnType<typeof cliWorkDir>;
let db: Database;

beforeAll(() => {
  work = cliWorkDir();
});
afterAll(() => work.remove());
beforeEach(() => {
  db = newDatabase();
});

const gatehouse = (args: string[], database = db) => runGatehouse(work.path, database, args);
const gatehouseJson = (args: string[], database = db) => runGatehouseJson(work.path, database, args);
const documentFile = (document: unknown) => writeDocument(work.path, document);

/** Every option of `class add`, away from its default. */
const everyOption = [
  '--text', 'Every field of the screen',
  '--device', 'S',
  '--no-screen', 'C',
  '--email-domain', 'example.com',
  '--otp-instead-of-totp', 'Y',
  '--factor', 'MFA:TOTP=1', '--factor', 'mfa:qstn=2', '--factor', 'MFA:OTP=3',
  '--factor', 'AOD:TOTP=1', '--factor', 'AOD:API=2',
  '--factor', 'P-R:OTP=1', '--factor', 'P-R:Device Auth=4', '--factor', 'P-R:Radius=5', '--factor', 'P-R:App=6',
  '--api-provider', 'DUO',
  '--questions', '3',
  '--retries', '0',
  '--wait', '999',
  '--verify-by', 'M',
  '--new-password-by', 'E',
  '--reset-by', '9',
  '--must-change', '999',
];

const everyField = {
  name: 'FULL',
  text: 'Every field of the screen',
  mfa_device: 'S',
  no_screen_channel: 'C',
  email_domain: 'example.com',
  allow_otp_instead_of_totp: 'Y',
  factors: { MFA: { OTP: 3, TOTP: 1, Qstn: 2 }, AOD: { TOTP: 1, API: 2 }, 'P-R': { OTP: 1, App: 6, DeviceAuth: 4, Radius: 5 } },
  api_provider: 'DUO',
  question_count: 3,
  max_retries: 0,
  wait_seconds: 999,
  password_reset: { verify_by: 'M', new_password_by: 'E', reset_by: '9', must_change_minutes: 999 },
};

describe('class', () => {
  test('add with every option, then show (as the screen, and as JSON) and list', async () => {
    const added = await gatehouseJson(['class', 'add', 'full', ...everyOption]);
    expect(added).toEqual({ ...everyField, last_update: expect.any(String) });

    const shown = await gatehouse(['class', 'show', 'Full']);
    expect(shown.code).toBe(0);
    const lines = shown.stdout.trimEnd().split('\n');
    expect(lines.map((line) => line.replace(/\s\.(\s\.)*\s*/, ' … ').replace(/\s+/g, ' '))).toEqual([
      'Class … FULL',
      'Text … Every field of the screen',
      'MFA preferred device … S = on screen: a TOTP code or questions',
      'If no screen, prefer … C = code by SMS to the cell phone',
      'Restrict emails to domain … example.com',
      'Allow OTP instead of TOTP … Y = yes',
      'Factors MFA (sign-in) … 1 TOTP, 2 Qstn, 3 OTP',
      'Factors AOD (elevated access) … 1 TOTP, 2 API (not available yet)',
      'Factors P-R (password reset) … 1 OTP, 4 DeviceAuth, 5 Radius (not available yet), 6 App (not available yet)',
      'If API, MFA provider … DUO',
      'Number of private questions … 3',
      'Maximum retries … 0 = no maximum',
      'Wait before next attempt … 999 = no retry until an admin unlocks',
      'Password reset: verify user by … M = the P-R factors',
      'Get new password by … E = temporary password by email',
      'Reset your password by … 9 = the person selects',
      'Password must be changed in … 999 = no limit',
      `Last update … ${added.last_update}`,
    ]);
    expect(await gatehouseJson(['class', 'show', 'FULL'])).toEqual({ ...added, is_default: false });

    await gatehouseJson(['class', 'add', 'TOTP', '--text', 'USE TOTP IN MFA', '--device', 'E', '--factor', 'MFA:TOTP=1']);
    await gatehouseJson(['class', 'default', 'totp']);
    const listed = await gatehouse(['class', 'list']);
    expect(listed.stdout).toMatch(/^CLASS\s+DEFAULT\s+DEVICE\s+MFA FACTORS\s+TEXT\n/);
    expect(listed.stdout).toMatch(/\nFULL\s+S\s+1 TOTP, 2 Qstn, 3 OTP\s+Every field of the screen\n/);
    expect(listed.stdout).toMatch(/\nTOTP\s+yes\s+E\s+1 TOTP\s+USE TOTP IN MFA\n/);
    expect((await gatehouseJson(['class', 'list'])).map((c: { name: string }) => c.name)).toEqual(['FULL', 'TOTP']);
    expect((await gatehouse(['class', 'show', 'totp'])).stdout).toContain('TOTP  (the default class: persons with class *DFT use it)');
  });

  test('add without options takes the documented defaults', async () => {
    const added = await gatehouseJson(['class', 'add', 'plain']);
    expect(added).toEqual({
      name: 'PLAIN',
      text: '',
      mfa_device: 'N',
      no_screen_channel: 'E',
      allow_otp_instead_of_totp: 'N',
      factors: { MFA: {}, AOD: {}, 'P-R': {} },
      question_count: 0,
      max_retries: 3,
      wait_seconds: 60,
      password_reset: { verify_by: 'N', new_password_by: 'N', reset_by: '1', must_change_minutes: 10 },
      last_update: expect.any(String),
    });
  });

  test.each([
    [['--factor', 'MFA:TOTP=0'], 1, 'factors.MFA.TOTP: a priority from 1 to 9.'],
    [['--factor', 'MFA:TOTP=10'], 1, 'factors.MFA.TOTP: a priority from 1 to 9.'],
    [['--factor', 'MFA:TOTP=x'], 1, 'factors.MFA.TOTP: a priority from 1 to 9.'],
    [['--factor', 'MFA:OTP=1', '--factor', 'MFA:TOTP=1'], 1, 'factors.MFA: priority 1 is given to both OTP and TOTP.'],
    [['--factor', 'LOGIN:TOTP=1'], 1, 'factors.LOGIN: not a context (known: MFA, AOD, P-R).'],
    [['--factor', 'MFA:SMS=1'], 1, 'factors.MFA.SMS: not a factor (known: OTP, TOTP, Qstn, App, API, DeviceAuth, Radius).'],
    [['--factor', 'MFA:Qstn=1'], 1, 'question_count: the Qstn factor is used (factors.MFA.Qstn), so at least 1 question must be asked.'],
    [['--questions', '11'], 1, 'question_count: a whole number from 0 to 10; got 11.'],
    [['--retries', 'many'], 1, 'max_retries: a whole number from 0 to 99 (0 = no maximum); got "many".'],
    [['--wait', '1000'], 1, 'wait_seconds: a whole number from 1 to 999 (999 = no retry until an admin unlocks); got 1000.'],
    [['--wait', '0'], 1, 'wait_seconds: a whole number from 1 to 999 (999 = no retry until an admin unlocks); got 0.'],
    [['--device', 'X'], 1, 'mfa_device: one of N (no second factor at sign-in), C (code by SMS to the cell phone), E (code by email), S (on screen: a TOTP code or questions); got "X".'],
    [['--no-screen', 'S'], 1, 'no_screen_channel: one of C (code by SMS to the cell phone), E (code by email); got "S".'],
    [['--otp-instead-of-totp', 'maybe'], 1, 'allow_otp_instead_of_totp: one of Y (yes), N (no); got "maybe".'],
    [['--email-domain', 'not a domain'], 1, 'email_domain: a domain such as example.com; got "not a domain".'],
    [['--verify-by', 'Q'], 1, 'password_reset.verify_by: one of N (no verification), C (code by SMS), E (code by email), M (the P-R factors); got "Q".'],
    [['--new-password-by', 'M'], 1, 'password_reset.new_password_by: one of S (temporary password shown on screen), C (temporary password by SMS), E (temporary password by email), N (the person enters a new password); got "M".'],
    [['--reset-by', '3'], 1, 'password_reset.reset_by: one of 1 (set a new password), 2 (re-enable the disabled account), 9 (the person selects); got "3".'],
    [['--must-change', '1000'], 1, 'password_reset.must_change_minutes: a whole number from 1 to 999 (999 = no limit); got 1000.'],
    [['--api-provider', 'DUO'], 1, 'api_provider: only used with the API factor; give API a priority in a context (factors.MFA.API, for example) or leave api_provider out.'],
    [['--factor', 'MFA:API=1'], 1, 'api_provider: required with the API factor (used in factors.MFA): the MFA provider to call, such as DUO, OKTA or PINGID.'],
    [['--text', 'x'.repeat(51)], 1, 'text: a text of at most 50 characters on one line.'],
    [['--factor', 'TOTP'], 2, '--factor: write CONTEXT:FACTOR=PRIORITY, such as MFA:TOTP=1 (an empty priority, MFA:TOTP=, stops using it); got "TOTP".'],
    [['--factor', 'MFA:TOTP=1', '--factor', 'mfa:totp=2'], 2, '--factor: MFA:TOTP is given more than once.'],
  ])('add %j is refused (exit %i) with the field named, and nothing is stored', async (options, code, message) => {
    const result = await gatehouse(['class', 'add', 'BAD', ...options]);
    expect(result.code).toBe(code);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim()).toBe(message);
    await withDatabase(db, async (services) => expect(await services.classes.list()).toEqual([]));
  });

  test('a bad name or a taken name is refused; --json reports the error on stdout', async () => {
    const reserved = await gatehouse(['class', 'add', '*DFT']);
    expect(reserved.code).toBe(1);
    expect(reserved.stderr).toMatch(/^name: \*DFT is reserved/);
    const long = await gatehouse(['class', 'add', 'ELEVEN_CHAR', '--json']);
    expect(long.code).toBe(1);
    expect(JSON.parse(long.stdout)).toEqual({ error: 'name: the name of a class is 1 to 10 characters A–Z, 0–9 or _; got "ELEVEN_CHAR".' });
    await gatehouseJson(['class', 'add', 'TOTP']);
    const taken = await gatehouse(['class', 'add', 'totp']);
    expect(taken.code).toBe(1);
    expect(taken.stderr.trim()).toBe('name: a class "TOTP" already exists (names are compared ignoring case).');
    const missing = await gatehouse(['class', 'show', 'NOPE']);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe('There is no class "NOPE".');
  });

  test('update changes only the options given; --factor X:Y= stops using a factor; --clear-factors starts over', async () => {
    await gatehouseJson(['class', 'add', 'FULL', ...everyOption]);
    const updated = await gatehouseJson(['class', 'update', 'full', '--text', 'Changed', '--factor', 'MFA:OTP=', '--factor', 'MFA:TOTP=3', '--email-domain', '', '--must-change', '30']);
    expect(updated).toEqual({
      ...everyField,
      text: 'Changed',
      email_domain: undefined,
      factors: { ...everyField.factors, MFA: { TOTP: 3, Qstn: 2 } },
      password_reset: { ...everyField.password_reset, must_change_minutes: 30 },
      last_update: expect.any(String),
    });
    const strandedReset = await gatehouse(['class', 'update', 'FULL', '--clear-factors', '--factor', 'MFA:OTP=1', '--api-provider', '']);
    expect(strandedReset.code).toBe(1);
    expect(strandedReset.stderr).toMatch(/verify_by: M asks the P-R factors, but none has a priority/);
    const cleared = await gatehouseJson(['class', 'update', 'FULL', '--clear-factors', '--factor', 'MFA:OTP=1', '--api-provider', '', '--verify-by', 'E']);
    expect(cleared.factors).toEqual({ MFA: { OTP: 1 }, AOD: {}, 'P-R': {} });
    expect(cleared.password_reset.verify_by).toBe('E');
    expect(cleared.api_provider).toBeUndefined();

    const refused = await gatehouse(['class', 'update', 'FULL', '--factor', 'AOD:API=1']);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toMatch(/^api_provider: required with the API factor/);
    const nothing = await gatehouse(['class', 'update', 'FULL']);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('give at least one field to change');
    const human = await gatehouse(['class', 'update', 'FULL', '--retries', '7']);
    expect(human.stdout).toMatch(/^Updated class "FULL"\.\nClass[ .]+FULL\n/);
    expect(human.stdout).toMatch(/\nMaximum retries[ .]+7\n/);
  });

  test('delete: refused while a person uses the class or while it is the default; audited with the CLI user', async () => {
    await gatehouseJson(['class', 'add', 'TOTP', '--factor', 'MFA:TOTP=1']);
    await gatehouseJson(['import', documentFile({ persons: [{ name: 'PEPE', class: 'TOTP' }, { name: 'ANA', class: 'totp' }] })]);
    const inUse = await gatehouse(['class', 'delete', 'totp']);
    expect(inUse.code).toBe(1);
    expect(inUse.stderr.trim()).toBe('The class "TOTP" is the class of 2 persons; give them another class first.');

    await gatehouseJson(['import', documentFile({ persons: [{ name: 'PEPE' }, { name: 'ANA', class: '*NEVER' }] })]);
    expect(await gatehouseJson(['class', 'default', 'TOTP'])).toEqual({ default_class: 'TOTP', status: 'updated' });
    const isDefault = await gatehouse(['class', 'delete', 'TOTP']);
    expect(isDefault.code).toBe(1);
    expect(isDefault.stderr.trim()).toBe('The class "TOTP" is the default class (persons with class *DFT use it); set another default class or clear it first.');

    expect((await gatehouse(['class', 'default'])).stdout.trim()).toBe('The default class is TOTP: persons whose class is *DFT use it.');
    expect((await gatehouse(['class', 'default', '--clear'])).stdout.trim()).toBe('Cleared the default class: persons whose class is *DFT are asked for no second factor.');
    expect(await gatehouseJson(['class', 'default'])).toEqual({ default_class: null });
    const deleted = await gatehouse(['class', 'delete', 'TOTP']);
    expect(deleted.code).toBe(0);
    expect(deleted.stdout.trim()).toBe('Deleted class "TOTP".');
    await withDatabase(db, async (services) => {
      expect(await services.classes.list()).toEqual([]);
      const entries = await services.audit.list({ entity: 'class', entityId: 'totp' });
      expect(entries.map((entry) => entry.action).toSorted()).toEqual(['create', 'delete']);
      for (const entry of entries) expect(entry.actor).toEqual({ kind: 'cli', id: userInfo().username });
      expect((await services.audit.list({ entity: 'settings' })).map((entry) => entry.actor.kind)).toEqual(['cli', 'cli']);
    });
  });

  test('default: an unknown class is refused; a name and --clear together are a usage error', async () => {
    const unknown = await gatehouse(['class', 'default', 'NOPE']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim()).toBe('default_class: there is no class "NOPE".');
    const both = await gatehouse(['class', 'default', 'X', '--clear']);
    expect(both.code).toBe(2);
    expect((await gatehouse(['class', 'default'])).stdout.trim()).toBe('No default class is set: persons whose class is *DFT are asked for no second factor.');
  });
});

describe('ipgroup', () => {
  test('add, show, list, update (replace, add and remove ranges), delete', async () => {
    const added = await gatehouseJson(['ipgroup', 'add', 'office', '--range', '10.0.0.0/8', '--range', '2001:DB8::/32', '--range', '192.0.2.7', '--text', 'Head office']);
    expect(added).toEqual({ name: 'OFFICE', text: 'Head office', ranges: ['10.0.0.0/8', '2001:db8::/32', '192.0.2.7/32'], last_update: expect.any(String) });
    const shown = await gatehouse(['ipgroup', 'show', 'Office']);
    expect(shown.stdout).toContain('IP group  OFFICE\nText      Head office\nRanges    10.0.0.0/8\n          2001:db8::/32\n          192.0.2.7/32\n');
    expect((await gatehouse(['ipgroup', 'list'])).stdout).toMatch(/\nOFFICE\s+Head office\s+10\.0\.0\.0\/8 2001:db8::\/32 192\.0\.2\.7\/32\n/);

    expect((await gatehouseJson(['ipgroup', 'update', 'office', '--add-range', '198.51.100.0/24', '--remove-range', '192.0.2.7/32'])).ranges).toEqual(['10.0.0.0/8', '2001:db8::/32', '198.51.100.0/24']);
    expect((await gatehouseJson(['ipgroup', 'update', 'office', '--range', '172.16.0.0/12'])).ranges).toEqual(['172.16.0.0/12']);
    expect((await gatehouseJson(['ipgroup', 'update', 'office', '--text', 'Moved'])).text).toBe('Moved');

    const notThere = await gatehouse(['ipgroup', 'update', 'office', '--remove-range', '10.0.0.0/8']);
    expect(notThere.code).toBe(1);
    expect(notThere.stderr.trim()).toBe('ranges: 10.0.0.0/8 is not in the IP group (it has 172.16.0.0/12).');
    const bad = await gatehouse(['ipgroup', 'update', 'office', '--add-range', '10.1.0.0/8']);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe('ranges[1]: "10.1.0.0/8" has address bits set after the first 8: the range is 10.0.0.0/8, or give the address alone for just that address.');

    expect((await gatehouse(['ipgroup', 'delete', 'OFFICE'])).code).toBe(0);
    expect(await gatehouseJson(['ipgroup', 'list'])).toEqual([]);
  });

  test('refusals: no range, a bad range named by position, an IP group in use', async () => {
    const none = await gatehouse(['ipgroup', 'add', 'X']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--range');
    const bad = await gatehouse(['ipgroup', 'add', 'X', '--range', '10.0.0.0/8', '--range', '300.0.0.0/8']);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe('ranges[1]: "300.0.0.0/8" is not a range: "300.0.0.0" is not an IPv4 or IPv6 address.');
    await withDatabase(db, async (services) => expect(await services.ipGroups.list()).toEqual([]));

    await gatehouseJson(['ipgroup', 'add', 'VPN', '--range', '10.8.0.0/16']);
    await gatehouseJson(['import', documentFile({ persons: [{ name: 'PEPE', ip_group: 'vpn' }] })]);
    const inUse = await gatehouse(['ipgroup', 'delete', 'vpn']);
    expect(inUse.code).toBe(1);
    expect(inUse.stderr.trim()).toBe('The IP group "VPN" is the IP group of 1 person; give that person another IP group or none first.');
  });
});

describe('import and export of classes, IP groups and settings', () => {
  test('add → show → export → import into a fresh database → export gives the same document', async () => {
    await gatehouseJson(['class', 'add', 'FULL', ...everyOption]);
    await gatehouseJson(['class', 'add', 'TOTP', '--text', 'USE TOTP IN MFA', '--device', 'E', '--factor', 'MFA:TOTP=1']);
    await gatehouseJson(['ipgroup', 'add', 'OFFICE', '--range', '10.0.0.0/8', '--range', '2001:db8::/32']);
    await gatehouseJson(['class', 'default', 'TOTP']);
    await gatehouseJson(['import', documentFile({ persons: [{ name: 'PEPE', class: 'FULL', ip_group: 'OFFICE', password: 'correct horse battery' }] })]);
    const { last_update: _, ...shown } = await gatehouseJson(['class', 'show', 'FULL']);

    const exported = await gatehouseJson(['export', '--with-secrets']);
    expect(Object.keys(exported)).toEqual(['ipGroups', 'classes', 'settings', 'clients', 'persons']);
    expect(exported.classes).toEqual([everyField, expect.objectContaining({ name: 'TOTP' })]);
    expect({ ...exported.classes[0], is_default: false }).toEqual(shown);
    expect(exported.ipGroups).toEqual([{ name: 'OFFICE', text: '', ranges: ['10.0.0.0/8', '2001:db8::/32'] }]);
    expect(exported.settings).toEqual({ default_class: 'TOTP' });
    expect(exported.persons[0]).toMatchObject({ name: 'PEPE', class: 'FULL', ip_group: 'OFFICE' });

    const fresh = newDatabase();
    const report = await gatehouseJson(['import', documentFile(exported)], fresh);
    expect(report).toMatchObject({
      ipGroups: { created: 1, updated: 0, unchanged: 0 },
      classes: { created: 2, updated: 0, unchanged: 0 },
      settings: { created: 1, updated: 0, unchanged: 0 },
      persons: { created: 1, updated: 0, unchanged: 0 },
    });
    expect(await gatehouseJson(['export', '--with-secrets'], fresh)).toEqual(exported);
    const again = await gatehouseJson(['import', documentFile(exported)], fresh);
    expect(again).toMatchObject({ ipGroups: { unchanged: 1 }, classes: { unchanged: 2 }, settings: { unchanged: 1 }, persons: { unchanged: 1 } });
    const human = await gatehouse(['import', documentFile(exported)], fresh);
    expect(human.stdout).toContain('IP groups: 0 created, 0 updated, 1 unchanged\n  classes: 0 created, 0 updated, 2 unchanged\n  settings: 0 created, 0 updated, 1 unchanged\n');
  });

  test('persons may refer to classes and IP groups of the same document; settings: null clears the default class', async () => {
    const report = await gatehouseJson(['import', documentFile({
      persons: [{ name: 'PEPE', class: 'totp', ip_group: 'office' }],
      settings: { default_class: 'Totp' },
      classes: [{ name: 'TOTP', factors: { MFA: { TOTP: 1 } } }],
      ipGroups: [{ name: 'OFFICE', ranges: ['10.0.0.0/8'] }],
    })]);
    expect(report).toMatchObject({ ipGroups: { created: 1 }, classes: { created: 1 }, settings: { created: 1 }, persons: { created: 1 } });
    expect(await gatehouseJson(['class', 'default'])).toEqual({ default_class: 'TOTP' });
    const cleared = await gatehouseJson(['import', documentFile({ settings: { default_class: null } })]);
    expect(cleared.settings).toEqual({ created: 0, updated: 1, unchanged: 0 });
    expect(await gatehouseJson(['class', 'default'])).toEqual({ default_class: null });
    const untouched = await gatehouseJson(['import', documentFile({ settings: {} })]);
    expect(untouched.settings).toEqual({ created: 0, updated: 0, unchanged: 0 });
  });

  test('every problem is reported by position and nothing is written', async () => {
    await gatehouseJson(['class', 'add', 'STORED']);
    const before = await gatehouseJson(['export']);
    const result = await gatehouse(['import', documentFile({
      persons: [
        { name: 'PEPE', class: 'FOO' },
        { name: 'ANA', ip_group: 'NOWHERE' },
        { name: 'LUIS', class: 'stored', ip_group: 'office' },
        { name: 'EVA', class: 'BROKEN' },
      ],
      settings: { default_class: 'NOPE' },
      classes: [
        { name: 'TOTP', factors: { MFA: { TOTP: 0 } } },
        { name: 'OK_ONE', factors: { 'P-R': { OTP: 1, TOTP: 1 } } },
        { name: 'ok_one' },
        { name: 'BROKEN', wait_seconds: 1000 },
        { name: 'QUESTIONS', question_count: 11 },
      ],
      ipGroups: [{ name: 'OFFICE', ranges: ['10.0.0.0/8', '10.1.0.0/8'] }, { name: 'EMPTY', ranges: [] }],
    }), '--json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).problems).toEqual([
      'ipGroups[0].ranges[1]: "10.1.0.0/8" has address bits set after the first 8: the range is 10.0.0.0/8, or give the address alone for just that address.',
      'ipGroups[1].ranges: at least one range, such as ["10.0.0.0/8", "2001:db8::/32", "192.0.2.7"].',
      'classes[0].factors.MFA.TOTP: a priority from 1 to 9.',
      'classes[1].factors.P-R: priority 1 is given to both OTP and TOTP.',
      'classes[2].name: "ok_one" appears more than once in the document (also classes[1]; names are compared ignoring case).',
      'classes[3].wait_seconds: a whole number from 1 to 999 (999 = no retry until an admin unlocks); got 1000.',
      'classes[4].question_count: a whole number from 0 to 10; got 11.',
      'settings.default_class: there is no class "NOPE".',
      'persons[0].class: there is no class "FOO".',
      'persons[1].ip_group: there is no IP group "NOWHERE".',
    ]);
    expect(await gatehouseJson(['export'])).toEqual(before);

    const settings = await gatehouse(['import', documentFile({ settings: { colour: 'blue', default_class: 5 } }), '--json']);
    expect(JSON.parse(settings.stdout).problems).toEqual(['settings.colour: not a setting (known: default_class).']);
    const notObject = await gatehouse(['import', documentFile({ settings: ['TOTP'], classes: {} }), '--json']);
    expect(JSON.parse(notObject.stdout).problems).toEqual(['classes: a list of classes.', 'settings: Settings must be an object, such as { "default_class": "TOTP" }.']);
  });
});
