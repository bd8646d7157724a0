/**
 * /office/eservices/indicators (Law 55.19 art 28): per procedure, over a period — requests
 * received, complete and incomplete at deposit, decided within and past the deadline, deemed
 * approvals, appeals, median processing time — as a table, and as CSV to download.
 */
import { useState } from 'react';
import { useFormat } from '../../shared/format';
import { Icon } from '../../shared/Icon';
import { useMultilingual, useT } from '../../shared/i18n';
import { ProblemMessage } from '../../shared/ProblemMessage';
import { useDocumentTitle } from '../../shared/page';
import { TextInput } from '../forms';
import { useIndicators } from './eservices-api';
import { EservicesNav } from './office-bits';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const today = () => new Date().toISOString().slice(0, 10);

export function IndicatorsPage() {
  const t = useT();
  const ml = useMultilingual();
  const fmt = useFormat();
  const [from, setFrom] = useState(() => `${new Date().getFullYear()}-01-01`);
  const [to, setTo] = useState(today);
  const valid = DAY.test(from) && DAY.test(to) && from <= to;
  const indicators = useIndicators(valid ? from : '2000-01-01', valid ? to : today());
  useDocumentTitle(t.text('services.office.indicators.title'));
  const csv = `/api/v1/eservices/indicators?${new URLSearchParams({ from, to, format: 'csv' })}`;
  const items = indicators.data?.items ?? [];
  const total = (
    k: 'received' | 'completeAtDeposit' | 'incompleteAtDeposit' | 'decidedInTime' | 'decidedLate' | 'deemedApproved' | 'appeals',
  ) => items.reduce((sum, i) => sum + i[k], 0);
  const columns = [
    'received',
    'completeAtDeposit',
    'incompleteAtDeposit',
    'decidedInTime',
    'decidedLate',
    'deemedApproved',
    'appeals',
  ] as const;
  return (
    <>
      <h1>{t('services.office.indicators.title')}</h1>
      <EservicesNav />
      <p className="lead">{t('services.office.indicators.lead')}</p>
      <search className="filters" aria-label={t.text('services.office.indicators.period')}>
        <TextInput label={t('services.office.indicators.from')} type="date" value={from} onChange={setFrom} dir="ltr" />
        <TextInput
          label={t('services.office.indicators.to')}
          type="date"
          value={to}
          onChange={setTo}
          dir="ltr"
          error={valid ? undefined : t.text('services.office.indicators.badPeriod')}
        />
        <div className="field filters-check">
          <a className="button button-secondary" href={valid ? csv : undefined} aria-disabled={!valid || undefined} download>
            <Icon name="data" size={20} />
            {t('services.office.indicators.csv')}
          </a>
        </div>
      </search>
      {indicators.isError ? (
        <ProblemMessage error={indicators.error} onRetry={() => void indicators.refetch()} />
      ) : indicators.isPending ? (
        <p className="loading-line" role="status">
          {t('common.loading')}
        </p>
      ) : items.length === 0 ? (
        <p className="empty">{t('services.office.indicators.empty')}</p>
      ) : (
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a table wider than a phone scrolls sideways: the keyboard must reach it (WCAG 2.1.1)
        <section className="table-scroll" aria-labelledby="indicators-caption" tabIndex={0}>
          <table className="data-table">
            <caption id="indicators-caption">
              {t('services.office.indicators.caption', { from: fmt.date(`${from}T12:00:00Z`), to: fmt.date(`${to}T12:00:00Z`) })}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('services.office.indicators.procedure')}</th>
                {columns.map((c) => (
                  <th key={c} scope="col">
                    {t(`services.office.indicators.col.${c}`)}
                  </th>
                ))}
                <th scope="col">{t('services.office.indicators.col.median')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((i) => (
                <tr key={i.procedure.code}>
                  <th scope="row">{ml(i.procedure.name)}</th>
                  {columns.map((c) => (
                    <td key={c}>{fmt.number(i[c])}</td>
                  ))}
                  <td>{i.medianProcessingDays === null ? '—' : t('services.clock.days', { count: i.medianProcessingDays })}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">{t('services.office.indicators.total')}</th>
                {columns.map((c) => (
                  <td key={c}>{fmt.number(total(c))}</td>
                ))}
                <td />
              </tr>
            </tfoot>
          </table>
        </section>
      )}
    </>
  );
}
