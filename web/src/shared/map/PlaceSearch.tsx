/**
 * The map's search box: finds the province's communes, the commune's districts and the named
 * features of the layers the reader may see (GET /api/v1/gis/search; the server folds Arabic
 * letter variants, diacritics and accents), and hands the chosen place to the map.
 */
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { LIMITS } from '../../../../src/platform/limits';
import { api, type ResponseOf, unwrap } from '../../api/client';
import { useLocale, useMultilingual, useT } from '../i18n';
import { ProblemMessage } from '../ProblemMessage';

export type Place = ResponseOf<'/api/v1/gis/search', 'get'>['items'][number];

export function PlaceSearch({ onPick }: { onPick: (place: Place) => void }) {
  const t = useT();
  const ml = useMultilingual();
  const locale = useLocale();
  const id = useId();
  const [text, setText] = useState('');
  const [query, setQuery] = useState('');
  const results = useQuery({
    queryKey: ['gis-search', query, locale],
    enabled: query !== '',
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/gis/search', { params: { query: { q: query } }, signal })),
  });

  const handleSubmit = (event: FormEvent) => {
    event.preventDefault();
    setQuery(text.trim());
  };

  const items = results.data?.items ?? [];
  return (
    <div className="place-search">
      <search>
        <form onSubmit={handleSubmit} className="place-search-form">
          <label htmlFor={`${id}-q`} className="field-label">
            {t('common.search.label')}
          </label>
          <div className="place-search-row">
            <input
              id={`${id}-q`}
              type="search"
              value={text}
              maxLength={LIMITS.searchMax}
              onChange={(e) => setText(e.target.value)}
              autoComplete="off"
              className="place-search-input"
            />
            <button type="submit" className="button">
              {t('common.search.submit')}
            </button>
          </div>
        </form>
      </search>
      <div aria-live="polite">
        {results.isError ? <ProblemMessage error={results.error} onRetry={() => void results.refetch()} /> : null}
        {query !== '' && results.isSuccess && items.length === 0 ? <p>{t('common.search.none', { q: query })}</p> : null}
        {items.length > 0 ? (
          <ul className="place-search-results">
            {items.map((place) => {
              const name = place.name ? ml(place.name) : place.title;
              const where = place.layer ? ml(place.layer.title) : t(`common.search.kind.${place.kind}`);
              return (
                <li key={`${place.kind}:${place.id}`}>
                  <button type="button" className="place-search-result" disabled={!place.point} onClick={() => onPick(place)}>
                    <span className="place-search-name">{name}</span>
                    <span className="place-search-kind">{where}</span>
                  </button>
                </li>
              );
            })}
          </ul>
        ) : null}
      </div>
    </div>
  );
}
