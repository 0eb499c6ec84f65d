import type { ClassView } from '../../directory/classDirectory.ts';
import type { Translate } from '../../i18n/translate.ts';
import type { FactorId } from '../../policy/types.ts';
import { factorName } from './classFormView.ts';

/** "TOTP, Qstn": the factors of a context in priority order; "None" for none. */
function factorsInOrder(t: Translate, priorities: Partial<Record<FactorId, number>>): string {
  const used = (Object.entries(priorities) as [FactorId, number][]).toSorted(([, a], [, b]) => a - b);
  return used.length === 0 ? t('admin.classes.noFactors') : used.map(([factor]) => factorName(t, factor)).join(', ');
}

/** "3 retries, then a wait of 60 s"; "No maximum of retries"; 999 s: "…, then locked until an admin unlocks". */
function limitsOf(t: Translate, view: ClassView): string {
  if (view.max_retries === 0) return t('admin.classes.limits.noMaximum');
  const wait = view.wait_seconds === 999 ? t('admin.classes.limits.untilUnlock') : t('admin.classes.limits.seconds', { seconds: view.wait_seconds });
  return view.max_retries === 1 ? t('admin.classes.limits.oneRetry', { wait }) : t('admin.classes.limits.retries', { retries: view.max_retries, wait });
}

/** A row of Work with Classes: name, text, the MFA and AOD factors (device N: no second factor at sign-in), the limits, its links. */
export function classRow(t: Translate, view: ClassView, defaultClass: string | undefined) {
  const path = `/admin/classes/${encodeURIComponent(view.name)}`;
  return {
    name: view.name,
    text: view.text,
    isDefault: defaultClass !== undefined && defaultClass.toUpperCase() === view.name,
    mfa: view.mfa_device === 'N' ? t('admin.classes.noSecondFactor') : factorsInOrder(t, view.factors.MFA),
    aod: factorsInOrder(t, view.factors.AOD),
    limits: limitsOf(t, view),
    modify: { href: path, label: t('admin.classes.modifyNamed', { name: view.name }) },
    delete: { href: `${path}/delete`, label: t('admin.classes.deleteNamed', { name: view.name }) },
  };
}
