/** Choosing photos for a report: up to the limit, previewed, each removable; checked before sending. */
import { useEffect, useId, useMemo, useState } from 'react';
import { useFormat } from '../../shared/format';
import { useT } from '../../shared/i18n';
import { ltr } from './report-bits';
import { PHOTO_BYTES_MAX, PHOTO_TYPES } from './reports-api';

/** The formats, named as their makers write them: left to right inside any sentence. */
const FORMATS = ltr('JPEG, PNG, WebP, AVIF');

interface PhotoPickerProps {
  files: readonly File[];
  onChange(files: File[]): void;
  /** How many more the report may have (5 minus those it has). */
  max: number;
  disabled?: boolean;
  label?: string;
}

export function PhotoPicker({ files, onChange, max, disabled, label }: PhotoPickerProps) {
  const t = useT();
  const fmt = useFormat();
  const id = useId();
  const size = fmt.number(PHOTO_BYTES_MAX / 1024 / 1024);
  const [refused, setRefused] = useState<{ name: string; reason: 'type' | 'size' | 'count' }[]>([]);
  const previews = useMemo(() => files.map((f) => ({ file: f, url: URL.createObjectURL(f) })), [files]);
  useEffect(
    () => () => {
      for (const p of previews) URL.revokeObjectURL(p.url);
    },
    [previews],
  );

  const handleFiles = (list: FileList | null) => {
    const next = [...files];
    const problems: typeof refused = [];
    for (const file of Array.from(list ?? [])) {
      // An empty type (some older phones): let the server judge the content.
      if (file.type && !PHOTO_TYPES.includes(file.type)) problems.push({ name: file.name, reason: 'type' });
      else if (file.size > PHOTO_BYTES_MAX) problems.push({ name: file.name, reason: 'size' });
      else if (next.length >= max) problems.push({ name: file.name, reason: 'count' });
      else next.push(file);
    }
    setRefused(problems);
    onChange(next);
  };

  const full = files.length >= max;
  return (
    <fieldset className="field photo-picker" aria-describedby={`${id}-hint`}>
      <legend className="field-label">
        {label ?? t('portal.reports.photos.label')}
        <span className="field-optional"> {t('portal.reports.field.optional')}</span>
      </legend>
      <p id={`${id}-hint`} className="field-hint">
        {t('portal.reports.photos.hint', { max, size, formats: FORMATS })}
      </p>
      {previews.length > 0 ? (
        <ul className="photo-grid photo-previews">
          {previews.map((p, i) => (
            <li key={p.url}>
              <img src={p.url} alt={t.text('portal.reports.photo.alt', { n: i + 1 })} />
              <button
                type="button"
                className="button button-secondary button-small"
                onClick={() => {
                  setRefused([]);
                  onChange(files.filter((f) => f !== p.file));
                }}
              >
                {t('portal.reports.photos.remove', { n: i + 1 })}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <div className="photo-add">
        <input
          id={id}
          className="file-input"
          type="file"
          accept={PHOTO_TYPES.join(',')}
          multiple
          disabled={disabled || full}
          onChange={(e) => {
            handleFiles(e.target.files);
            // The same file may be chosen again after being removed.
            e.target.value = '';
          }}
        />
        <label htmlFor={id} className="button button-secondary" data-disabled={disabled || full || undefined}>
          {files.length === 0 ? t('portal.reports.photos.add') : t('portal.reports.photos.addMore')}
        </label>
        <span className="photo-count" aria-live="polite">
          {t('portal.reports.photos.count', { count: files.length, max })}
        </span>
      </div>
      {refused.length > 0 ? (
        <ul className="field-error photo-refused" role="alert">
          {refused.map((r) => (
            <li key={`${r.name}-${r.reason}`}>
              <bdi>{r.name}</bdi> — {t(`portal.reports.photos.refused.${r.reason}`, { max, size, formats: FORMATS })}
            </li>
          ))}
        </ul>
      ) : null}
    </fieldset>
  );
}
