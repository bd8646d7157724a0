/**
 * The Moroccan public holidays of 2025 and 2026 as officially observed, checked by hand against
 * the announcements (Ministry of Habous and Islamic Affairs for the Islamic months, as reported by
 * MAP and the press), and the admin adjustments that make the computed calendar give them. Shared
 * by calendar.test.ts and bench/deadlines.ts, so the test and the bench's correctness line use
 * the same data.
 *
 * `confirmed: false` marks a 2026 date no official announcement could be found for (in the
 * sources searched): the entry then holds the computed Umm al-Qura date, and no adjustment.
 */
import type { HolidayAdjustment } from './holidays.js';

export interface CheckedHoliday {
  id: string;
  /** Every day off, YYYY-MM-DD, in order. */
  dates: string[];
  confirmed: boolean;
  /** Islamic holidays: the Umm al-Qura dates, when they differ from the official ones. */
  computed?: string[];
  /** Where the official date comes from. */
  source: string;
}

const FIXED_SOURCE = 'Decree 2.77.169 (1977, as amended): fixed date';

function fixed(year: number): CheckedHoliday[] {
  const days: [string, string][] = [
    ['new_year', '01-01'],
    ['independence_manifesto', '01-11'],
    ['amazigh_new_year', '01-14'],
    ['labour_day', '05-01'],
    ['throne_day', '07-30'],
    ['oued_eddahab', '08-14'],
    ['revolution_king_people', '08-20'],
    ['youth_day', '08-21'],
    ['green_march', '11-06'],
    ['independence_day', '11-18'],
  ];
  return days.map(([id, md]) => ({
    id,
    dates: [`${year}-${md}`],
    confirmed: true,
    source: id === 'amazigh_new_year' ? 'Royal decision of 3 May 2023; 14 January, a holiday since 2024' : FIXED_SOURCE,
  }));
}

export const CHECKED_HOLIDAYS: Record<2025 | 2026, CheckedHoliday[]> = {
  2025: [
    ...fixed(2025),
    {
      id: 'eid_al_fitr',
      dates: ['2025-03-31', '2025-04-01'],
      computed: ['2025-03-30', '2025-03-31'],
      confirmed: true,
      source: 'Ministry of Habous, 30 March 2025: crescent of Shawwal 1446 seen on 29 Ramadan; 1 Shawwal = Monday 31 March',
    },
    {
      id: 'eid_al_adha',
      dates: ['2025-06-07', '2025-06-08'],
      computed: ['2025-06-06', '2025-06-07'],
      confirmed: true,
      source:
        'Ministry of Habous, 27 May 2025: crescent not seen; 1 Dhu al-Hijja 1446 = Thursday 29 May, Aïd Al Adha = Saturday 7 June ' +
        '(Monday 9 June was an exceptional extra day off, not a statutory holiday: not in this table)',
    },
    {
      id: 'islamic_new_year',
      dates: ['2025-06-27'],
      computed: ['2025-06-26'],
      confirmed: true,
      source: 'Ministry of Habous, 26 June 2025: crescent seen on 29 Dhu al-Hijja 1446; 1 Muharram 1447 = Friday 27 June',
    },
    {
      id: 'mawlid',
      dates: ['2025-09-05', '2025-09-06'],
      computed: ['2025-09-04', '2025-09-05'],
      confirmed: true,
      source: 'Ministry of Habous, 23 August 2025: crescent not seen; 1 Rabi I 1447 = Monday 25 August, Mawlid = Friday 5 September',
    },
  ],
  2026: [
    ...fixed(2026),
    {
      id: 'unity_day',
      dates: ['2026-10-31'],
      confirmed: true,
      source: 'Royal Office statement (November 2025); decrees 2.26.14 and 2.25.1140 adopted by the Government Council in 2026',
    },
    {
      id: 'eid_al_fitr',
      dates: ['2026-03-20', '2026-03-21'],
      confirmed: true,
      source: 'Ministry of Habous, 19 March 2026: crescent of Shawwal 1447 seen; 1 Shawwal = Friday 20 March (same as Umm al-Qura)',
    },
    {
      // Not confirmed: no announcement found; Umm al-Qura's date.
      id: 'eid_al_adha',
      dates: ['2026-05-27', '2026-05-28'],
      confirmed: false,
      source: 'computed (Umm al-Qura 10–11 Dhu al-Hijja 1447); official date not found',
    },
    {
      // Not confirmed: no announcement found; an aggregator site says 17 June.
      id: 'islamic_new_year',
      dates: ['2026-06-16'],
      confirmed: false,
      source: 'computed (Umm al-Qura 1 Muharram 1448); official date not found',
    },
    {
      // Not confirmed: no announcement found; an aggregator site says 26–27 August.
      id: 'mawlid',
      dates: ['2026-08-25', '2026-08-26'],
      confirmed: false,
      source: 'computed (Umm al-Qura 12–13 Rabi I 1448); official date not found',
    },
  ],
};

/** The adjustments an admin would have entered in 2025–2026: where Morocco's official date differed from Umm al-Qura. */
export const CHECKED_ADJUSTMENTS: HolidayAdjustment[] = [
  { holiday: 'eid_al_fitr', hijriYear: 1446, date: '2025-03-31' },
  { holiday: 'eid_al_adha', hijriYear: 1446, date: '2025-06-07' },
  { holiday: 'islamic_new_year', hijriYear: 1447, date: '2025-06-27' },
  { holiday: 'mawlid', hijriYear: 1447, date: '2025-09-05' },
];
