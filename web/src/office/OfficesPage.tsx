import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { Link, useNavigate, useParams } from 'react-router';
import { groupHours, type Office, type OfficeHours, useOffices } from '../portal/portal-api';
import { useFormat } from '../shared/format';
import { Icon } from '../shared/Icon';
import { type Multilingual, useMultilingual, useT } from '../shared/i18n';
import { ProblemMessage } from '../shared/ProblemMessage';
import { NotFoundPage, useDocumentTitle } from '../shared/page';
import {
  ConfirmDialog,
  cleanMultilingual,
  errorsUnder,
  FormProblem,
  fieldErrorsOf,
  MultilingualInput,
  SelectField,
  TextInput,
} from './forms';
import { useDeleteOffice, useSaveOffice } from './portal-admin-api';

export function OfficesPage() {
  const t = useT();
  const ml = useMultilingual();
  const fmt = useFormat();
  const offices = useOffices();
  const [deleting, setDeleting] = useState<Office | null>(null);
  useDocumentTitle(t.text('office.nav.offices'));
  return (
    <>
      <div className="page-head">
        <h1>{t('office.nav.offices')}</h1>
        <Link className="button" to="/office/offices/new">
          <Icon name="plus" size={20} />
          {t('office.offices.create')}
        </Link>
      </div>
      {offices.isError ? (
        <ProblemMessage error={offices.error} onRetry={() => void offices.refetch()} />
      ) : offices.isPending ? (
        <p className="loading-line" role="status">
          {t('common.loading')}
        </p>
      ) : offices.data.length === 0 ? (
        <p className="empty">{t('portal.offices.empty')}</p>
      ) : (
        <ul className="record-list">
          {offices.data.map((o) => (
            <li key={o.id} className="record">
              <div className="record-main">
                <p className="record-title">
                  {ml(o.name)}
                  {o.isDemo ? <span className="badge badge-demo">{t('common.demo.badge')}</span> : null}
                </p>
                {o.phone || o.email ? (
                  <p className="record-meta">
                    {o.phone ? <span dir="ltr">{o.phone}</span> : null}
                    {o.phone && o.email ? ' · ' : null}
                    {o.email ? <span dir="ltr">{o.email}</span> : null}
                  </p>
                ) : null}
                <p className="record-meta">
                  {groupHours(o.hours)
                    .filter((g) => g.ranges.length > 0)
                    .map((g) =>
                      t.text('office.offices.hoursSummary', {
                        days: g.from === g.to ? fmt.weekday(g.from) : fmt.weekdayRange(g.from, g.to),
                        hours: fmt.list(
                          g.ranges.map(([a, b]) => t.text('common.time.range', { opens: fmt.clock(a), closes: fmt.clock(b) })),
                        ),
                      }),
                    )
                    .join(' · ') || t('office.offices.noHours')}
                </p>
              </div>
              <div className="record-actions">
                <Link
                  className="button button-secondary button-small"
                  to={`/office/offices/${o.id}`}
                  aria-label={t.text('office.offices.editNamed', { name: ml.text(o.name) })}
                >
                  {t('common.action.edit')}
                </Link>
                <Button
                  className="button button-quiet button-small danger-text"
                  onPress={() => setDeleting(o)}
                  aria-label={t.text('office.offices.deleteNamed', { name: ml.text(o.name) })}
                >
                  {t('common.action.delete')}
                </Button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {deleting ? <DeleteOffice office={deleting} onClose={() => setDeleting(null)} /> : null}
    </>
  );
}

function DeleteOffice({ office, onClose }: { office: Office; onClose(): void }) {
  const t = useT();
  const ml = useMultilingual();
  const remove = useDeleteOffice();
  return (
    <ConfirmDialog
      title={t('office.offices.deleteNamed', { name: ml.text(office.name) })}
      message={t('office.offices.deleteConfirm')}
      confirmLabel={t('common.action.delete')}
      isOpen
      onOpenChange={(open) => !open && onClose()}
      onConfirm={() => remove.mutate(office.id, { onSuccess: onClose })}
      isPending={remove.isPending}
      error={remove.error}
    />
  );
}

/** /office/offices/new and /office/offices/:id */
export function OfficeEditor() {
  const t = useT();
  const { id } = useParams();
  const offices = useOffices();
  if (!id) return <OfficeForm existing={null} />;
  if (offices.isError) return <ProblemMessage error={offices.error} onRetry={() => void offices.refetch()} />;
  if (offices.isPending)
    return (
      <p className="loading-line" role="status">
        {t('common.loading')}
      </p>
    );
  const existing = offices.data.find((o) => o.id === id);
  return existing ? <OfficeForm key={existing.id} existing={existing} /> : <NotFoundPage home="/office/offices" />;
}

type HoursRow = OfficeHours & { key: number };
let rowKey = 0;

function OfficeForm({ existing }: { existing: Office | null }) {
  const t = useT();
  const fmt = useFormat();
  const navigate = useNavigate();
  const save = useSaveOffice();
  const [name, setName] = useState<Multilingual>(existing?.name ?? {});
  const [address, setAddress] = useState<Multilingual>(existing?.address ?? {});
  const [note, setNote] = useState<Multilingual>(existing?.note ?? {});
  const [phone, setPhone] = useState(existing?.phone ?? '');
  const [email, setEmail] = useState(existing?.email ?? '');
  const [sortOrder, setSortOrder] = useState(String(existing?.sortOrder ?? 0));
  const [hours, setHours] = useState<HoursRow[]>(() => (existing?.hours ?? []).map((h) => ({ ...h, key: rowKey++ })));
  const errors = fieldErrorsOf(save.error);
  useDocumentTitle(t.text(existing ? 'office.offices.editTitle' : 'office.offices.create'));

  const dayOptions = [1, 2, 3, 4, 5, 6, 7].map((d) => ({ id: String(d), label: fmt.weekday(d), text: fmt.weekday(d) }));
  const updateRow = (key: number, change: Partial<OfficeHours>) => setHours(hours.map((h) => (h.key === key ? { ...h, ...change } : h)));
  const addRow = () => {
    const last = hours.at(-1);
    setHours([
      ...hours,
      { key: rowKey++, day: last ? Math.min(7, last.day + 1) : 1, opens: last?.opens ?? '08:30', closes: last?.closes ?? '16:30' },
    ]);
  };

  const handleSubmit = () => {
    const clean = (ml: Multilingual) => {
      const c = cleanMultilingual(ml);
      return Object.keys(c).length > 0 ? c : null;
    };
    const body = {
      name: cleanMultilingual(name),
      address: clean(address),
      note: clean(note),
      phone: phone.trim() || null,
      email: email.trim() || null,
      sortOrder: Number.parseInt(sortOrder, 10) || 0,
      hours: [...hours]
        .sort((a, b) => a.day - b.day || a.opens.localeCompare(b.opens))
        .map(({ day, opens, closes }) => ({ day, opens, closes })),
    };
    const onSuccess = () => navigate('/office/offices');
    if (existing) save.mutate({ id: existing.id, body }, { onSuccess });
    else save.mutate({ id: null, body }, { onSuccess });
  };

  return (
    <>
      <h1>{t(existing ? 'office.offices.editTitle' : 'office.offices.create')}</h1>
      <p>
        <Link to="/office/offices">{t('office.offices.backToList')}</Link>
      </p>
      <Form
        validationBehavior="aria"
        onSubmit={(event) => {
          event.preventDefault();
          handleSubmit();
        }}
      >
        {save.error ? (
          <FormProblem error={save.error} shownFields={['name', 'address', 'note', 'phone', 'email', 'sortOrder', 'hours']} />
        ) : null}
        <MultilingualInput legend={t('office.offices.name')} value={name} onChange={setName} errors={errorsUnder(errors, 'name')} />
        <MultilingualInput
          legend={t('office.offices.address')}
          value={address}
          onChange={setAddress}
          errors={errorsUnder(errors, 'address')}
          multiline
        />
        <div className="field-row">
          <TextInput
            label={t('office.offices.phone')}
            type="tel"
            value={phone}
            onChange={setPhone}
            error={errors.phone}
            dir="ltr"
            autoComplete="off"
          />
          <TextInput
            label={t('office.offices.email')}
            type="email"
            value={email}
            onChange={setEmail}
            error={errors.email}
            dir="ltr"
            autoComplete="off"
          />
        </div>
        <fieldset className="ml-fieldset">
          <legend>{t('office.offices.hours')}</legend>
          {errors.hours ? <p className="field-error">{errors.hours}</p> : null}
          {hours.length === 0 ? <p className="empty">{t('office.offices.noHours')}</p> : null}
          <ul className="hours-editor">
            {hours.map((h, index) => {
              const rowErrors = errorsUnder(errors, `hours.${index}`);
              return (
                <li key={h.key} className="hours-row">
                  <SelectField
                    label={t('office.offices.day')}
                    value={String(h.day)}
                    onChange={(d) => updateRow(h.key, { day: Number(d) })}
                    options={dayOptions}
                    error={rowErrors.day}
                  />
                  <TextInput
                    label={t('office.offices.opens')}
                    type="time"
                    value={h.opens}
                    onChange={(opens) => updateRow(h.key, { opens })}
                    error={rowErrors.opens ?? rowErrors['']}
                  />
                  <TextInput
                    label={t('office.offices.closes')}
                    type="time"
                    value={h.closes}
                    onChange={(closes) => updateRow(h.key, { closes })}
                    error={rowErrors.closes}
                  />
                  <Button
                    className="button button-quiet button-small danger-text hours-remove"
                    onPress={() => setHours(hours.filter((x) => x.key !== h.key))}
                    aria-label={t.text('office.offices.removeHours', { day: fmt.weekday(h.day) })}
                  >
                    {t('common.action.remove')}
                  </Button>
                </li>
              );
            })}
          </ul>
          <Button className="button button-secondary" onPress={addRow}>
            <Icon name="plus" size={20} />
            {t('office.offices.addHours')}
          </Button>
        </fieldset>
        <MultilingualInput
          legend={t('office.offices.note')}
          value={note}
          onChange={setNote}
          errors={errorsUnder(errors, 'note')}
          multiline
        />
        <TextInput
          label={t('office.offices.sortOrder')}
          type="number"
          value={sortOrder}
          onChange={setSortOrder}
          error={errors.sortOrder}
          description={t('office.offices.sortOrderHint')}
          className="field-short"
        />
        <div className="form-actions sticky-actions">
          <Button type="submit" className="button" isPending={save.isPending}>
            {t('common.action.save')}
          </Button>
          <Link className="button button-secondary" to="/office/offices">
            {t('common.action.cancel')}
          </Link>
        </div>
      </Form>
    </>
  );
}
