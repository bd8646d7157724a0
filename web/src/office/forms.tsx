/** Form pieces of the office, on react-aria-components: labelled, with errors beside the field. */
import type { ReactNode } from 'react';
import {
  Button,
  Checkbox,
  Dialog,
  FieldError,
  Heading,
  Label,
  ListBox,
  ListBoxItem,
  Modal,
  ModalOverlay,
  Popover,
  Select,
  SelectValue,
} from 'react-aria-components';
import { Icon } from '../shared/Icon';
import { ENDONYMS, HTML_LANG, LOCALE_DIR, LOCALES, type Locale, type Multilingual, useT } from '../shared/i18n';
import { ProblemMessage } from '../shared/ProblemMessage';
import { TextInput } from './fields';

// The pieces the sign-in page needs live in fields.tsx, which the signed-out office loads alone.
export { FormProblem, fieldErrorsOf, TextInput } from './fields';

export interface Option<K extends string> {
  id: K;
  label: ReactNode;
  /** Plain text of the label, for type-to-select and screen readers. */
  text: string;
}

interface SelectFieldProps<K extends string> {
  label: ReactNode;
  value: K;
  onChange(value: NoInfer<K>): void;
  options: Option<NoInfer<K>>[];
  error?: string | undefined;
  isDisabled?: boolean;
  className?: string;
}

export function SelectField<K extends string>({ label, value, onChange, options, error, isDisabled, className }: SelectFieldProps<K>) {
  return (
    <Select
      className={`field ${className ?? ''}`}
      value={value}
      onChange={(key) => {
        if (key !== null) onChange(String(key) as K);
      }}
      isInvalid={!!error}
      isDisabled={isDisabled}
    >
      <Label>{label}</Label>
      <Button className="select-button">
        {/* The plain text of the choice (options may carry indentation or markup). */}
        <SelectValue>{({ selectedText, defaultChildren }) => selectedText || defaultChildren}</SelectValue>
        <Icon name="chevron" size={18} />
      </Button>
      <FieldError>{error}</FieldError>
      <Popover>
        <ListBox>
          {options.map((o) => (
            <ListBoxItem key={o.id} id={o.id} textValue={o.text}>
              {o.label}
            </ListBoxItem>
          ))}
        </ListBox>
      </Popover>
    </Select>
  );
}

export function CheckboxField({ label, isSelected, onChange }: { label: ReactNode; isSelected: boolean; onChange(value: boolean): void }) {
  return (
    <Checkbox className="checkbox" isSelected={isSelected} onChange={onChange}>
      <span className="box">
        <Icon name="check" size={16} />
      </span>
      {label}
    </Checkbox>
  );
}

/** A multilingual field: one input per language, each typed in its own language and direction. */
export function MultilingualInput({
  legend,
  value,
  onChange,
  errors,
  multiline,
  description,
}: {
  legend: ReactNode;
  value: Multilingual;
  onChange(value: Multilingual): void;
  /** Errors by field path (`name`, `name.ar`). */
  errors?: Record<string, string | undefined>;
  multiline?: boolean;
  description?: ReactNode;
}) {
  const values = value as Partial<Record<Locale, string>>;
  return (
    <fieldset className="ml-fieldset">
      <legend>{legend}</legend>
      {description ? <p className="field-hint">{description}</p> : null}
      {errors?.[''] ? <p className="field-error">{errors['']}</p> : null}
      <div className="ml-grid">
        {LOCALES.map((l) => (
          <TextInput
            key={l}
            label={
              <span lang={HTML_LANG[l]} dir={LOCALE_DIR[l]}>
                {ENDONYMS[l]}
              </span>
            }
            value={values[l] ?? ''}
            onChange={(text) => onChange({ ...values, [l]: text })}
            error={errors?.[l]}
            multiline={multiline}
            lang={HTML_LANG[l]}
            dir={LOCALE_DIR[l]}
          />
        ))}
      </div>
    </fieldset>
  );
}

export interface LanguageColumnField {
  /** The field's path in the errors (`title` → `title.ar`…). */
  name: string;
  label: ReactNode;
  value: Multilingual;
  onChange(value: Multilingual): void;
  maxLength: number;
  multiline?: boolean;
}

/** Several multilingual fields written side by side: one column per language, each in its own language and direction. */
export function LanguageColumns({ fields, errors }: { fields: LanguageColumnField[]; errors: Record<string, string | undefined> }) {
  return (
    <div className="lang-columns">
      {LOCALES.map((l) => (
        <fieldset key={l} className="lang-column">
          <legend>
            <span lang={HTML_LANG[l]} dir={LOCALE_DIR[l]}>
              {ENDONYMS[l]}
            </span>
          </legend>
          {fields.map((f) => (
            <TextInput
              key={f.name}
              label={
                <>
                  {f.label}
                  <span className="visually-hidden"> ({ENDONYMS[l]})</span>
                </>
              }
              value={(f.value as Partial<Record<Locale, string>>)[l] ?? ''}
              onChange={(text) => f.onChange({ ...f.value, [l]: text })}
              error={errors[`${f.name}.${l}`]}
              maxLength={f.maxLength}
              multiline={f.multiline}
              lang={HTML_LANG[l]}
              dir={LOCALE_DIR[l]}
            />
          ))}
        </fieldset>
      ))}
    </div>
  );
}

/** Errors under one field path (`name` → `name`, `name.ar`…) re-keyed relative to it. */
export function errorsUnder(errors: Record<string, string>, path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, detail] of Object.entries(errors)) {
    if (key === path) out[''] = detail;
    else if (key.startsWith(`${path}.`)) out[key.slice(path.length + 1)] = detail;
  }
  return out;
}

/** A multilingual value without empty languages (the API refuses empty strings). */
export function cleanMultilingual(value: Multilingual): Partial<Record<Locale, string>> {
  const out: Partial<Record<Locale, string>> = {};
  for (const l of LOCALES) {
    const text = (value as Partial<Record<Locale, string>>)[l]?.trim();
    if (text) out[l] = text;
  }
  return out;
}

/** A modal dialog (controlled): a title, the content, and the close handling of react-aria. */
export function FormDialog({
  title,
  isOpen,
  onOpenChange,
  children,
  role = 'dialog',
}: {
  title: ReactNode;
  isOpen: boolean;
  onOpenChange(open: boolean): void;
  children: ReactNode;
  role?: 'dialog' | 'alertdialog';
}) {
  return (
    <ModalOverlay className="modal-overlay" isOpen={isOpen} onOpenChange={onOpenChange} isDismissable>
      <Modal className="modal">
        <Dialog className="dialog" role={role}>
          <Heading slot="title" className="dialog-title">
            {title}
          </Heading>
          {children}
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}

/** Asks before something that cannot be undone. */
export function ConfirmDialog({
  title,
  message,
  confirmLabel,
  isOpen,
  onOpenChange,
  onConfirm,
  isPending,
  error,
}: {
  title: ReactNode;
  message: ReactNode;
  confirmLabel: ReactNode;
  isOpen: boolean;
  onOpenChange(open: boolean): void;
  onConfirm(): void;
  isPending?: boolean;
  error?: unknown;
}) {
  const t = useT();
  return (
    <FormDialog title={title} isOpen={isOpen} onOpenChange={onOpenChange} role="alertdialog">
      <p>{message}</p>
      {error ? <ProblemMessage error={error} compact /> : null}
      <div className="form-actions">
        <Button className="button button-danger" onPress={onConfirm} isPending={isPending}>
          {confirmLabel}
        </Button>
        <Button className="button button-secondary" slot="close">
          {t('common.action.cancel')}
        </Button>
      </div>
    </FormDialog>
  );
}

/** "1–50 of 120" with previous/next. */
export function Pager({
  total,
  limit,
  offset,
  onChange,
}: {
  total: number;
  limit: number;
  offset: number;
  onChange(offset: number): void;
}) {
  const t = useT();
  if (total <= limit && offset === 0) return null;
  return (
    <nav className="pager" aria-label={t.text('office.pager.label')}>
      <Button className="button button-secondary" isDisabled={offset === 0} onPress={() => onChange(Math.max(0, offset - limit))}>
        {t('office.pager.previous')}
      </Button>
      <span className="pager-status" aria-live="polite">
        {t('office.pager.status', { from: Math.min(total, offset + 1), to: Math.min(total, offset + limit), total })}
      </span>
      <Button className="button button-secondary" isDisabled={offset + limit >= total} onPress={() => onChange(offset + limit)}>
        {t('office.pager.next')}
      </Button>
    </nav>
  );
}
