import { describe, expect, it } from 'vitest';
import { type Answers, checkAnswers, checkProcedure, type Field, type ProcedureDefinition, searchFold, type Text } from './procedure.js';
import { BERKANE_PROCEDURES, SEED_DEPARTMENTS, SILENCE_APPROVAL_DECISIONS } from './seed-procedures.js';

const fiches = BERKANE_PROCEDURES.map((p) => [p.code, p] as const);

/** The portal's search, as the contract describes it: every folded word of the query in the folded name. */
function search(query: string): string[] {
  const words = searchFold(query).split(' ').filter(Boolean);
  return BERKANE_PROCEDURES.filter((p) => {
    const name = searchFold(Object.values(p.name).join(' '));
    return words.every((w) => name.includes(w));
  }).map((p) => p.code);
}

/** Every text of a fiche a citizen or an agent reads. */
function textsOf(p: ProcedureDefinition): [string, Text][] {
  const out: [string, Text][] = [
    ['name', p.name],
    ['summary', p.summary],
    ['appeals', p.appeals],
  ];
  p.legalReferences.forEach((r, i) => {
    out.push([`legalReferences.${i}`, r.title]);
  });
  for (const d of p.citizenDocuments) {
    out.push([`citizenDocuments.${d.key}`, d.name]);
    if (d.note) out.push([`citizenDocuments.${d.key}.note`, d.note]);
  }
  for (const d of p.fetchedDocuments) out.push([`fetchedDocuments.${d.key}`, d.name], [`fetchedDocuments.${d.key}.from`, d.from]);
  for (const f of p.fields) {
    out.push([`fields.${f.key}`, f.label]);
    if (f.help) out.push([`fields.${f.key}.help`, f.help]);
    for (const o of f.options ?? []) out.push([`fields.${f.key}.${o.key}`, o.label]);
  }
  if (p.fee?.note) out.push(['fee.note', p.fee.note]);
  if (p.issuedDocument) out.push(['issuedDocument', p.issuedDocument.title]);
  if (p.uncertain) out.push(['uncertain', p.uncertain]);
  return out;
}

/** A well-formed answer to one field, at the edge of its bounds where it has some. */
function sampleAnswer(f: Field): Answers[string] | undefined {
  switch (f.type) {
    case 'text':
    case 'textarea':
      return 'بركان Berkane';
    case 'number':
      return typeof f.max === 'number' ? f.max : 1;
    case 'date':
      return typeof f.min === 'string' ? f.min : '2026-03-02';
    case 'choice':
      return f.options?.at(-1)?.key;
    case 'cin':
      return 'f 123456';
    case 'address':
      return { lat: 34.92, lon: -2.33, text: 'Boulevard Mohammed V, Berkane' };
    case 'file':
      return undefined;
  }
}

describe('the Berkane procedure catalog', () => {
  it.each(fiches)('%s passes the checks the office editor applies (arts 7 and 10)', (_code, p) => {
    expect(checkProcedure(p)).toEqual([]);
  });

  it('gives every fiche its own code, usable in a URL', () => {
    const codes = BERKANE_PROCEDURES.map((p) => p.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^[a-z][a-z0-9_]{0,39}$/);
  });

  it('holds every silence-as-approval decision of Decree 2.22.141 Annex 1, with silence as approval', () => {
    expect(Object.keys(SILENCE_APPROVAL_DECISIONS)).toHaveLength(9);
    for (const [decision, codes] of Object.entries(SILENCE_APPROVAL_DECISIONS)) {
      expect(codes.length, decision).toBeGreaterThan(0);
      for (const code of codes) {
        const p = BERKANE_PROCEDURES.find((x) => x.code === code);
        expect(p, `${decision} → ${code}`).toBeDefined();
        expect(p?.silence, code).toBe('approval');
      }
    }
  });

  it('lets no other fiche claim that silence counts as approval', () => {
    const annex = new Set(Object.values(SILENCE_APPROVAL_DECISIONS).flat());
    const claimed = BERKANE_PROCEDURES.filter((p) => p.silence === 'approval').map((p) => p.code);
    expect(claimed.sort()).toEqual([...annex].sort());
  });

  it.each(fiches)('%s speaks Arabic, French and English everywhere, and writes no Tamazight', (_code, p) => {
    for (const [where, text] of textsOf(p)) {
      expect(text.ar?.trim(), `${where}.ar`).toBeTruthy();
      expect(text.fr?.trim(), `${where}.fr`).toBeTruthy();
      expect(text.en?.trim(), `${where}.en`).toBeTruthy();
      expect(text.zgh, `${where}.zgh`).toBeUndefined();
    }
  });

  it('names departments only from the fixed list the server creates', () => {
    const known = new Set(Object.keys(SEED_DEPARTMENTS));
    for (const p of BERKANE_PROCEDURES) {
      expect(known.has(p.receivingDepartment), `${p.code} receiving`).toBe(true);
      expect(known.has(p.processingDepartment), `${p.code} processing`).toBe(true);
    }
  });

  it.each(fiches)('%s accepts a complete, well-formed request', (_code, p) => {
    const answers: Answers = {};
    for (const f of p.fields) {
      const a = sampleAnswer(f);
      if (a !== undefined) answers[f.key] = a;
    }
    expect(checkAnswers(p.fields, answers, true)).toEqual([]);
  });

  it('gives the urban-planning decisions the deadlines of Joint Order 1839.23', () => {
    const days = (code: string) => BERKANE_PROCEDURES.find((p) => p.code === code)?.deadline.days;
    expect(days('building_permit_small')).toBe(15);
    expect(days('building_permit_large')).toBe(30);
    expect(days('subdivision')).toBe(30);
    expect(days('housing_group')).toBe(30);
    expect(days('land_division')).toBe(30);
  });

  it('lets a class-2 establishment be extended once for its public inquiry', () => {
    expect(BERKANE_PROCEDURES.find((p) => p.code === 'establishment_class2')?.extensionReasons).toEqual(['public_inquiry']);
  });

  it('says, in every fiche that shows no fee, what is known about the fee', () => {
    for (const p of BERKANE_PROCEDURES) {
      if (p.fee === null) expect(p.uncertain, p.code).not.toBeNull();
      else {
        expect(p.fee.amountMad, p.code).toBeGreaterThan(0);
        expect(p.fee.legalReference.trim(), p.code).not.toBe('');
      }
    }
  });
});

describe('finding a fiche by its name', () => {
  it.each([
    ['رخصه البناء', ['building_permit_small', 'building_permit_large']],
    ['رُخْصَة البِنَاء', ['building_permit_small', 'building_permit_large']],
    ['اذن تجزئه', ['subdivision']],
    ['الاذن بتقسيم عقار', ['land_division']],
    ['اذن مجموعه سكنيه', ['housing_group']],
    ['رخصه السكن', ['occupancy_permit']],
    ['رخصه الاصلاح', ['repair_permit']],
    ['رخصة الهدم', ['demolition_permit']],
    ['الصنف الثاني', ['establishment_class2']],
    ['تصحيح الامضاء', ['signature_legalization']],
    ['الاشهاد علي صحه الامضاء', ['signature_legalization']],
    ['مطابقه نسخ الوثائق لاصولها', ['copy_certification']],
    ['الاحتلال الموقت', ['public_domain_occupation']],
    ['مقهي', ['shop_operation']],
    ['رسم الولاده', ['birth_certificate_extract']],
  ])('finds %s written as people type it (no hamza, ه for ة, ي for ى, diacritics)', (query, codes) => {
    expect(search(query).sort()).toEqual([...codes].sort());
  });

  it('finds French names typed without accents', () => {
    expect(search('legalisation signature')).toEqual(['signature_legalization']);
    expect(search('permis de demolir')).toEqual(['demolition_permit']);
    expect(search("permis d'habiter")).toEqual(['occupancy_permit']);
  });
});
