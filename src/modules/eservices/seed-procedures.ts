/**
 * The procedure catalog (fiches, Law 55.19 arts 5–6) the demo seed writes for the urban commune
 * of Berkane. Data only: the server's seed inserts it (departments by code, created when missing).
 *
 * What is not certain is said in each fiche's `uncertain` rather than invented: where a deadline
 * specific to a decision could not be checked, the fiche uses the 60-day maximum of Law 55.19 and
 * says so; where a fee exists but its amount is set by the commune's tax decision (not available
 * here), `fee` is null and `uncertain` says a fee is charged. Sources checked are listed in the
 * report that came with this file; the decisions of Decree 2.22.141 Annex 1 (silence as approval)
 * are exported in `SILENCE_APPROVAL_DECISIONS` so a test holds the catalog to them.
 */
import type { CitizenDocument, FetchedDocument, Field, ProcedureDefinition, Text } from './procedure.js';

/** The departments the fiches name; the seed creates the ones a commune lacks. */
export const SEED_DEPARTMENTS = {
  bureau_ordre: { ar: 'مكتب الضبط', fr: "Bureau d'ordre", en: 'Registry office' },
  urbanisme: { ar: 'قسم التعمير', fr: "Division de l'urbanisme", en: 'Urban planning division' },
  affaires_economiques: { ar: 'مصلحة الشؤون الاقتصادية', fr: 'Service des affaires économiques', en: 'Economic affairs service' },
  legalisation: {
    ar: 'مكتب الإشهاد على صحة الإمضاء ومطابقة النسخ',
    fr: 'Bureau de légalisation des signatures et de certification des copies',
    en: 'Signature legalization and copy certification office',
  },
  bmh: { ar: 'المكتب الجماعي لحفظ الصحة', fr: "Bureau municipal d'hygiène", en: 'Municipal hygiene office' },
  etat_civil: { ar: 'مكتب الحالة المدنية', fr: "Bureau d'état civil", en: 'Civil registry office' },
  voirie: { ar: 'مصلحة الطرق', fr: 'Service de la voirie', en: 'Roads service' },
} as const satisfies Record<string, Text>;

export type SeedDepartmentCode = keyof typeof SEED_DEPARTMENTS;

function t(ar: string, fr: string, en: string): Text {
  return { ar, fr, en };
}

/** Sentences of one `uncertain` text, joined per language. */
function sentences(...parts: Text[]): Text {
  const join = (lang: 'ar' | 'fr' | 'en') => parts.map((p) => p[lang]).join(' ');
  return { ar: join('ar'), fr: join('fr'), en: join('en') };
}

// ---------------------------------------------------------------------------------------------
// Legal references (reference as Moroccan administrations cite it; title in each language)
// ---------------------------------------------------------------------------------------------

function ref(reference: string, title: Text) {
  return { reference, title };
}

const LAW_55_19 = t(
  'القانون رقم 55.19 المتعلق بتبسيط المساطر والإجراءات الإدارية',
  'Loi n° 55-19 relative à la simplification des procédures et formalités administratives',
  'Law 55.19 on the simplification of administrative procedures and formalities',
);
const DECREE_2_22_141 = t(
  'المرسوم رقم 2.22.141 بتطبيق بعض أحكام القانون رقم 55.19 في ما يتعلق بالقرارات الإدارية التي تسلمها الجماعات الترابية ومجموعاتها وهيئاتها',
  "Décret n° 2-22-141 pris pour l'application de certaines dispositions de la loi n° 55-19 aux décisions administratives délivrées par les collectivités territoriales, leurs groupements et leurs organismes",
  'Decree 2.22.141 applying certain provisions of Law 55.19 to the administrative decisions issued by territorial authorities, their groupings and bodies',
);
const JOINT_ORDER_1839_23 = t(
  'القرار المشترك لوزير الداخلية ووزيرة إعداد التراب الوطني والتعمير والإسكان وسياسة المدينة رقم 1839.23 بتحديد الآجال اللازمة لكل متدخل بالنسبة لبعض القرارات الإدارية المتعلقة بالتعمير التي تسلمها الجماعات',
  "Arrêté conjoint du ministre de l'intérieur et de la ministre de l'aménagement du territoire national, de l'urbanisme, de l'habitat et de la politique de la ville n° 1839-23 fixant les délais requis pour chaque intervenant concernant certaines décisions administratives relatives à l'urbanisme délivrées par les communes",
  'Joint order 1839.23 of the Minister of the Interior and the Minister of Urban Planning fixing the time allowed to each party for certain urban-planning decisions issued by communes',
);
const LAW_12_90 = t('القانون رقم 12.90 المتعلق بالتعمير', "Loi n° 12-90 relative à l'urbanisme", 'Law 12-90 on urban planning');
const LAW_25_90 = t(
  'القانون رقم 25.90 المتعلق بالتجزئات العقارية والمجموعات السكنية وتقسيم العقارات',
  "Loi n° 25-90 relative aux lotissements, groupes d'habitations et morcellements",
  'Law 25-90 on subdivisions, housing groups and land divisions',
);
const LAW_66_12 = t(
  'القانون رقم 66.12 المتعلق بمراقبة وزجر المخالفات في مجال التعمير والبناء',
  "Loi n° 66-12 relative au contrôle et à la répression des infractions en matière d'urbanisme et de construction",
  'Law 66-12 on the control and punishment of urban-planning and building offences',
);
const DECREE_2_18_577 = t(
  'المرسوم رقم 2.18.577 بالموافقة على ضابط البناء العام المحدد لشكل وشروط تسليم الرخص والوثائق المقررة بموجب النصوص التشريعية المتعلقة بالتعمير والتجزئات العقارية والمجموعات السكنية وتقسيم العقارات',
  "Décret n° 2-18-577 approuvant le règlement général de construction fixant la forme et les conditions de délivrance des autorisations et des pièces exigibles en application de la législation relative à l'urbanisme et aux lotissements, groupes d'habitations et morcellements",
  'Decree 2.18.577 approving the general building regulation (form and conditions of issue of urban-planning permits and the documents they require)',
);
const DECREE_2_18_475 = t(
  'المرسوم رقم 2.18.475 بتحديد إجراءات وكيفيات منح رخص الإصلاح والتسوية والهدم',
  "Décret n° 2-18-475 fixant les procédures et les modalités d'octroi des permis de réfection, de régularisation et de démolition",
  'Decree 2.18.475 on the procedure for repair, regularization and demolition permits',
);
const DAHIR_1914 = t(
  'الظهير الشريف الصادر في 3 شوال 1332 (25 غشت 1914) في تنظيم المحلات المضرة بالصحة والمحلات المزعجة والمحلات المخطرة، كما وقع تغييره وتتميمه',
  'Dahir du 3 chaoual 1332 (25 août 1914) portant réglementation des établissements insalubres, incommodes ou dangereux, tel que modifié',
  'Dahir of 25 August 1914 regulating unhealthy, noxious or dangerous establishments, as amended',
);
const ORGANIC_LAW_113_14 = t(
  'القانون التنظيمي رقم 113.14 المتعلق بالجماعات',
  'Loi organique n° 113-14 relative aux communes',
  'Organic Law 113-14 on communes',
);
const DECREE_2_17_410 = t(
  'المرسوم رقم 2.17.410 بتحديد كيفيات الإشهاد على مطابقة نسخ الوثائق لأصولها',
  'Décret n° 2-17-410 fixant les modalités de la certification de la conformité des copies des documents à leurs originaux',
  'Decree 2.17.410 on how copies of documents are certified as conforming to their originals',
);
const LAW_57_19 = t(
  'القانون رقم 57.19 المتعلق بنظام الأملاك العقارية للجماعات الترابية',
  'Loi n° 57-19 relative au régime des biens immobiliers des collectivités territoriales',
  'Law 57.19 on the real property of territorial authorities',
);
const LAW_47_06 = t(
  'القانون رقم 47.06 المتعلق بجبايات الجماعات المحلية',
  'Loi n° 47-06 relative à la fiscalité des collectivités locales',
  'Law 47-06 on local taxation',
);
const LAW_39_07 = t(
  'القانون رقم 39.07 بسن أحكام انتقالية فيما يتعلق ببعض الرسوم والحقوق والمساهمات والأتاوى المستحقة لفائدة الجماعات المحلية',
  'Loi n° 39-07 édictant des dispositions transitoires en ce qui concerne certaines taxes, droits, contributions et redevances dus aux collectivités locales',
  'Law 39-07 on transitional provisions for certain taxes, dues, contributions and fees owed to local authorities',
);
const LAW_36_21 = t('القانون رقم 36.21 المتعلق بالحالة المدنية', "Loi n° 36-21 relative à l'état civil", 'Law 36-21 on civil status');

const SILENCE_REFS = [ref('Loi n° 55-19', LAW_55_19), ref('Décret n° 2-22-141 (11 mai 2023), annexe 1', DECREE_2_22_141)];

// ---------------------------------------------------------------------------------------------
// Texts shared by several fiches
// ---------------------------------------------------------------------------------------------

/** The appeal of Law 55.19 art 21, as the workflow runs it (30 days to file, 15 to answer, then the governor). */
const APPEALS = t(
  'يمكن تقديم تظلم طبقا للمادة 21 من القانون رقم 55.19 داخل أجل 30 يوما من تاريخ تبليغ قرار الرفض أو من تاريخ انصرام الأجل دون جواب، إلى رئيس مجلس جماعة بركان الذي يجيب عنه داخل أجل 15 يوما. وإذا لم يتم الجواب، يرفع التظلم إلى عامل إقليم بركان. ويبقى حق الطعن أمام المحكمة الإدارية قائما.',
  "Recours (art. 21 de la loi n° 55-19) : dans les 30 jours suivant la notification d'un refus ou l'expiration du délai sans réponse, auprès du président du conseil de la commune de Berkane, qui répond dans les 15 jours ; à défaut de réponse, le recours est porté devant le gouverneur de la province de Berkane. Le recours devant le tribunal administratif reste ouvert.",
  'Appeal (art. 21 of Law 55.19): within 30 days of being notified of a refusal, or of the deadline passing without an answer, to the president of the Berkane communal council, who answers within 15 days; if there is no answer, the appeal goes to the governor of Berkane province. Recourse to the administrative court remains open.',
);

const SILENCE_SENTENCE = t(
  'ويعتبر سكوت الإدارة بعد انصرام الأجل بمثابة موافقة (المرسوم رقم 2.22.141).',
  "Le silence de l'administration à l'expiration du délai vaut accord (décret n° 2-22-141).",
  'If the commune has not answered when the deadline passes, the request is deemed approved (Decree 2.22.141).',
);

const U_DEADLINE_MAX = t(
  'لم نتمكن من التحقق من أجل خاص بهذا القرار؛ الأجل المعروض هو الحد الأقصى الذي يحدده القانون رقم 55.19 (60 يوما).',
  "Aucun délai propre à cette décision n'a pu être vérifié ; le délai indiqué est le maximum fixé par la loi n° 55-19 (60 jours).",
  'No deadline specific to this decision could be checked; the deadline shown is the maximum set by Law 55.19 (60 days).',
);
const U_FEE_DECISION = t(
  'تستخلص عن هذه الخدمة رسوم يحدد مبلغها القرار الجبائي لجماعة بركان، وهو غير متوفر هنا.',
  "Cette prestation donne lieu à une redevance dont le montant est fixé par l'arrêté fiscal de la commune de Berkane, non disponible ici.",
  "A fee is charged for this service; its amount is set by the Berkane commune's tax decision, which is not available here.",
);
const U_FEE_UNKNOWN = t(
  'لم نتحقق مما إذا كانت تستخلص رسوم عن هذا الطلب ولا من مبلغها.',
  "Il n'a pas été vérifié si une redevance est due pour cette demande, ni son montant.",
  'Whether a fee is charged for this request, and how much, was not checked.',
);
const U_DOCS = t(
  'قائمة الوثائق مبنية على النصوص المذكورة وعلى الممارسة الجارية، ولم تتم مقارنتها ببطاقة البوابة الوطنية للمساطر (إدارتي)؛ يمكن للمصلحة أن تطلب مرة واحدة وثيقة ناقصة.',
  "La liste des pièces s'appuie sur les textes cités et la pratique courante ; elle n'a pas été comparée à la fiche du portail national des procédures (idarati). Le service peut demander une seule fois une pièce manquante.",
  'The document list is based on the texts cited and common practice; it was not compared with the national procedures portal (idarati) fiche. The department may ask once for a missing document.',
);
const U_CALENDAR_DAYS = t(
  'لم نتحقق مما إذا كانت هذه الآجال تحتسب بالأيام المتصلة أو بأيام العمل؛ اعتمدت هنا الأيام المتصلة.',
  "Il n'a pas été vérifié si ces délais se comptent en jours calendaires ou ouvrables ; les jours calendaires sont retenus ici.",
  'Whether these deadlines count calendar or working days was not checked; calendar days are used here.',
);
const U_JOINT_ORDER = t(
  'أجل 15 يوما (المشاريع الصغرى) و30 يوما (المشاريع الكبرى والتجزئات والمجموعات السكنية وتقسيم العقارات) مأخوذ من القرار المشترك رقم 1839.23 (الجريدة الرسمية عدد 7212 بتاريخ 13 يوليو 2023) كما نقلته الوزارة والصحافة؛ لم نطلع على نص القرار نفسه.',
  "Les délais de 15 jours (petits projets) et de 30 jours (grands projets, lotissements, groupes d'habitations, morcellements) viennent de l'arrêté conjoint n° 1839-23 (BO n° 7212 du 13 juillet 2023) tel que rapporté par le ministère et la presse ; le texte de l'arrêté lui-même n'a pas été consulté.",
  'The 15-day (small projects) and 30-day (large projects, subdivisions, housing groups, land divisions) deadlines come from Joint Order 1839.23 (Official Bulletin 7212 of 13 July 2023) as reported by the ministry and the press; the text of the order itself was not read.',
);

// ---------------------------------------------------------------------------------------------
// Documents and fields used by several fiches
// ---------------------------------------------------------------------------------------------

const LAND_TITLE_CERTIFICATE: FetchedDocument = {
  key: 'land_title_certificate',
  name: t(
    'شهادة الملكية الخاصة بالعقار المحفظ',
    'Certificat de propriété du bien immatriculé',
    'Certificate of ownership of the registered property',
  ),
  from: t(
    'الوكالة الوطنية للمحافظة العقارية والمسح العقاري والخرائطية',
    'Agence nationale de la conservation foncière, du cadastre et de la cartographie (ANCFCC)',
    'National land registry agency (ANCFCC)',
  ),
};

const OWNERSHIP_DEED: CitizenDocument = {
  key: 'ownership_deed',
  name: t(
    'سند الملكية بالنسبة للعقار غير المحفظ',
    'Titre de propriété pour un terrain non immatriculé',
    'Proof of ownership for unregistered land',
  ),
  required: false,
  swornStatementAllowed: false,
  note: t(
    'فقط إذا كان العقار غير محفظ؛ أما العقار المحفظ فتحصل الجماعة بنفسها على شهادة الملكية بموافقتك.',
    "Seulement si le terrain n'est pas immatriculé ; pour un terrain immatriculé, la commune obtient elle-même le certificat de propriété avec votre accord.",
    'Only if the land is not registered; for registered land the commune obtains the ownership certificate itself, with your consent.',
  ),
};

const PREMISES_RIGHT: CitizenDocument = {
  key: 'premises_right',
  name: t(
    'ما يثبت حقك في استعمال المحل: عقد الكراء أو سند الملكية',
    "Justificatif du droit d'utiliser le local : contrat de bail ou titre de propriété",
    'Proof of your right to use the premises: lease or property deed',
  ),
  required: false,
  swornStatementAllowed: false,
  note: t(
    'تكفي نسخة عادية. إذا كان المحل محفظا في اسمك، يمكنك بدلا من ذلك الموافقة على حصول الجماعة على شهادة الملكية.',
    'Une simple copie suffit. Si le local est immatriculé à votre nom, vous pouvez à la place accepter que la commune obtienne le certificat de propriété.',
    'A plain copy is enough. If the premises are registered in your name, you may instead let the commune obtain the ownership certificate.',
  ),
};

const APPLICANT_CIN: Field = {
  key: 'applicant_cin',
  type: 'cin',
  label: t(
    'رقم البطاقة الوطنية للتعريف الإلكترونية لصاحب الطلب',
    'Numéro de la CNIE du demandeur',
    "Applicant's national ID card number (CNIE)",
  ),
  required: true,
};

const COMPANY_NAME: Field = {
  key: 'company_name',
  type: 'text',
  label: t(
    'اسم الشركة (إذا كان الطلب باسم شركة)',
    'Raison sociale (si la demande est faite au nom d’une société)',
    'Company name (if the request is made for a company)',
  ),
  required: false,
  maxLength: 200,
};

/** The land title number: optional where unregistered land is possible, required where the law works on registered land. */
function landTitleField(required: boolean): Field {
  return {
    key: 'land_title_number',
    type: 'text',
    label: t(
      'رقم الرسم العقاري أو مطلب التحفيظ',
      'Numéro du titre foncier ou de la réquisition',
      'Land title or registration requisition number',
    ),
    ...(required
      ? {}
      : {
          help: t(
            'اتركه فارغا إذا كان العقار غير محفظ.',
            "Laissez vide si le terrain n'est pas immatriculé.",
            'Leave empty if the land is not registered.',
          ),
        }),
    required,
    maxLength: 40,
  };
}

const LAND_TITLE_NUMBER = landTitleField(false);

function addressField(key: string, label: Text): Field {
  return { key, type: 'address', label, required: true };
}

function surfaceField(key: string, label: Text, max: number, required = true): Field {
  return { key, type: 'number', label, help: t('بالمتر المربع.', 'En mètres carrés.', 'In square metres.'), required, min: 1, max };
}

const PARCEL_ADDRESS = addressField('parcel_address', t('موقع العقار', 'Situation du terrain', 'Location of the land'));
const PARCEL_SURFACE = surfaceField('parcel_surface', t('مساحة العقار', 'Superficie du terrain', 'Land area'), 10_000_000);

// ---------------------------------------------------------------------------------------------
// The fiches
// ---------------------------------------------------------------------------------------------

const ESTABLISHMENT_CLASS_2: ProcedureDefinition = {
  code: 'establishment_class2',
  category: 'economic',
  name: t(
    'رخصة فتح محل مصنف من الصنف الثاني (محل مضر بالصحة أو مزعج أو خطر)',
    "Autorisation d'ouverture d'un établissement classé de 2e classe (insalubre, incommode ou dangereux)",
    'Authorization to open a class-2 classified establishment (unhealthy, noxious or dangerous)',
  ),
  summary: sentences(
    t(
      'يخضع فتح محل مرتب في الصنف الثاني من قائمة تصنيف المحلات المضرة بالصحة أو المزعجة أو الخطرة لرخصة مسبقة يسلمها رئيس المجلس الجماعي، بعد بحث المنافع والمضار ورأي المصالح التقنية، ويجب أن يكون قرار الرفض معللا.',
      "L'ouverture d'un établissement rangé en 2e classe par la nomenclature des établissements insalubres, incommodes ou dangereux est soumise à une autorisation préalable du président du conseil communal, après une enquête de commodo et incommodo et l'avis des services techniques ; un refus doit être motivé.",
      'Opening an establishment listed in class 2 of the classification of unhealthy, noxious or dangerous establishments requires prior authorization from the president of the communal council, after a public inquiry (commodo et incommodo) and the opinion of the technical services; a refusal must give its reasons.',
    ),
    SILENCE_SENTENCE,
  ),
  legalReferences: [
    ref('Dahir du 25 août 1914, art. 2, 4, 7 et 8 (rédaction du dahir du 13 octobre 1933)', DAHIR_1914),
    ref('Loi organique n° 113-14', ORGANIC_LAW_113_14),
    ...SILENCE_REFS,
  ],
  receivingDepartment: 'bureau_ordre',
  processingDepartment: 'affaires_economiques',
  citizenDocuments: [
    {
      key: 'premises_plan',
      name: t('تصميم المحل ومحيطه', 'Plan du local et de ses abords', 'Plan of the premises and their surroundings'),
      required: true,
      swornStatementAllowed: false,
    },
    {
      key: 'activity_note',
      name: t(
        'مذكرة تصف النشاط والتجهيزات والمواد المستعملة والتدابير المتخذة للحد من الأضرار',
        "Notice décrivant l'activité, les équipements, les matières utilisées et les mesures contre les nuisances",
        'Note describing the activity, equipment, materials used and the measures against nuisances',
      ),
      required: true,
      swornStatementAllowed: false,
    },
    PREMISES_RIGHT,
  ],
  fetchedDocuments: [LAND_TITLE_CERTIFICATE],
  fee: null,
  deadline: { days: 60, kind: 'calendar', investment: false },
  silence: 'approval',
  appeals: APPEALS,
  extensionReasons: ['public_inquiry'],
  fields: [
    APPLICANT_CIN,
    COMPANY_NAME,
    {
      key: 'activity',
      type: 'text',
      label: t(
        'النشاط كما هو مسمى في قائمة التصنيف',
        'Activité, telle que nommée dans la nomenclature',
        'Activity, as named in the classification list',
      ),
      required: true,
      maxLength: 200,
    },
    addressField('premises_address', t('عنوان المحل', 'Adresse du local', 'Address of the premises')),
    surfaceField('premises_surface', t('مساحة المحل', 'Superficie du local', 'Floor area of the premises'), 100_000),
    LAND_TITLE_NUMBER,
    {
      key: 'planned_start',
      type: 'date',
      label: t('تاريخ بدء النشاط المتوقع', "Date prévue de début d'activité", 'Planned start date'),
      required: false,
    },
  ],
  issuedDocument: {
    title: t(
      'رخصة فتح محل مصنف من الصنف الثاني',
      "Autorisation d'ouverture d'un établissement de 2e classe",
      'Authorization to open a class-2 establishment',
    ),
  },
  uncertain: sentences(
    t(
      'ينص الظهير (في صيغة 1933) على أن تبت السلطة داخل أجل شهرين من تاريخ اختتام البحث؛ تعتمد هذه البطاقة الحد الأقصى للقانون رقم 55.19 (60 يوما) مع إمكانية تمديد واحد بسبب البحث العمومي. لم نتحقق من الأجل المنشور لهذا القرار في البوابة الوطنية ولا من مدة البحث.',
      "Le dahir (rédaction de 1933) donne à l'autorité deux mois à compter de la clôture de l'enquête ; cette fiche applique le maximum de la loi n° 55-19 (60 jours), avec une prolongation possible pour l'enquête publique. Le délai publié pour cette décision sur le portail national et la durée de l'enquête n'ont pas été vérifiés.",
      'The dahir (1933 wording) gives the authority two months after the inquiry closes; this fiche applies the 60-day maximum of Law 55.19, with one extension for the public inquiry. The deadline published for this decision on the national portal and the length of the inquiry were not checked.',
    ),
    t(
      'يسند الظهير الرخصة إلى الباشا أو القائد؛ اختصاص رئيس المجلس الجماعي مستمد من القانون التنظيمي رقم 113.14، ولم نتحقق من رقم المادة.',
      'Le dahir confie l’autorisation au pacha ou au caïd ; la compétence du président du conseil communal découle de la loi organique n° 113-14, dont l’article précis n’a pas été vérifié.',
      'The dahir gives the authorization to the pasha or caïd; the council president’s competence comes from Organic Law 113-14, whose exact article was not checked.',
    ),
    U_FEE_UNKNOWN,
    U_DOCS,
  ),
};

const ESTABLISHMENT_CLASS_3: ProcedureDefinition = {
  code: 'establishment_class3',
  category: 'economic',
  name: t(
    'التصريح بفتح محل مصنف من الصنف الثالث',
    "Déclaration d'ouverture d'un établissement classé de 3e classe",
    'Declaration of opening of a class-3 classified establishment',
  ),
  summary: sentences(
    t(
      'يجب أن يكون فتح محل مرتب في الصنف الثالث من قائمة تصنيف المحلات المضرة بالصحة أو المزعجة أو الخطرة موضوع تصريح يودع لدى رئيس المجلس الجماعي قبل فتحه، ويسلم عنه وصل.',
      "L'ouverture d'un établissement rangé en 3e classe par la nomenclature des établissements insalubres, incommodes ou dangereux doit faire l'objet, avant l'ouverture, d'une déclaration auprès du président du conseil communal, qui en délivre récépissé.",
      'Before an establishment listed in class 3 of the classification of unhealthy, noxious or dangerous establishments opens, it must be declared to the president of the communal council, who issues a receipt.',
    ),
    SILENCE_SENTENCE,
  ),
  legalReferences: [
    ref('Dahir du 25 août 1914, art. 2 et 4 (rédaction du dahir du 13 octobre 1933)', DAHIR_1914),
    ref('Loi organique n° 113-14', ORGANIC_LAW_113_14),
    ...SILENCE_REFS,
  ],
  receivingDepartment: 'bureau_ordre',
  processingDepartment: 'affaires_economiques',
  citizenDocuments: [
    {
      key: 'premises_plan',
      name: t('تصميم المحل', 'Plan du local', 'Plan of the premises'),
      required: true,
      swornStatementAllowed: false,
    },
    {
      key: 'activity_note',
      name: t(
        'مذكرة تصف النشاط والتجهيزات والمواد المستعملة',
        "Notice décrivant l'activité, les équipements et les matières utilisées",
        'Note describing the activity, equipment and materials used',
      ),
      required: true,
      swornStatementAllowed: false,
    },
    PREMISES_RIGHT,
  ],
  fetchedDocuments: [LAND_TITLE_CERTIFICATE],
  fee: null,
  deadline: { days: 60, kind: 'calendar', investment: false },
  silence: 'approval',
  appeals: APPEALS,
  extensionReasons: [],
  fields: [
    APPLICANT_CIN,
    COMPANY_NAME,
    {
      key: 'activity',
      type: 'text',
      label: t(
        'النشاط كما هو مسمى في قائمة التصنيف',
        'Activité, telle que nommée dans la nomenclature',
        'Activity, as named in the classification list',
      ),
      required: true,
      maxLength: 200,
    },
    addressField('premises_address', t('عنوان المحل', 'Adresse du local', 'Address of the premises')),
    surfaceField('premises_surface', t('مساحة المحل', 'Superficie du local', 'Floor area of the premises'), 100_000),
    LAND_TITLE_NUMBER,
    {
      key: 'planned_start',
      type: 'date',
      label: t('تاريخ بدء النشاط المتوقع', "Date prévue de début d'activité", 'Planned start date'),
      required: false,
    },
  ],
  issuedDocument: {
    title: t(
      'وصل التصريح بفتح محل مصنف من الصنف الثالث',
      "Récépissé de déclaration d'un établissement de 3e classe",
      'Receipt of declaration of a class-3 establishment',
    ),
  },
  uncertain: sentences(
    U_DEADLINE_MAX,
    t(
      'حسب نص الظهير الذي اطلعنا عليه (صيغة 1933) يسلم وصل التصريح مجانا؛ لم نتحقق من التعديلات اللاحقة ولا من القرار الجبائي للجماعة.',
      "Selon le texte du dahir consulté (rédaction de 1933), le récépissé de la déclaration est délivré sans frais ; les modifications ultérieures et l'arrêté fiscal de la commune n'ont pas été vérifiés.",
      "Under the text of the dahir consulted (1933 wording) the receipt is issued free of charge; later amendments and the commune's tax decision were not checked.",
    ),
    U_DOCS,
  ),
};

function buildingPermit(size: 'small' | 'large'): ProcedureDefinition {
  const small = size === 'small';
  return {
    code: small ? 'building_permit_small' : 'building_permit_large',
    category: 'urbanism',
    name: small
      ? t(
          'رخصة البناء – مسطرة المشاريع الصغرى',
          'Permis de construire – procédure des petits projets',
          'Building permit – small projects procedure',
        )
      : t(
          'رخصة البناء – مسطرة المشاريع الكبرى',
          'Permis de construire – procédure des grands projets',
          'Building permit – large projects procedure',
        ),
    summary: sentences(
      small
        ? t(
            'يسلم رئيس المجلس الجماعي رخصة البناء قبل كل بناء جديد أو تغيير لبناء قائم. تدرس هذه الطلبات وفق مسطرة المشاريع الصغرى المحددة في ضابط البناء العام، داخل أجل أقصاه 15 يوما.',
            'Le président du conseil communal délivre le permis de construire avant toute construction nouvelle ou modification d’une construction existante. Ces demandes sont instruites selon la procédure des petits projets du règlement général de construction, dans un délai maximum de 15 jours.',
            'The president of the communal council issues the building permit before any new building or any change to an existing one. These requests follow the small-projects procedure of the general building regulation, within at most 15 days.',
          )
        : t(
            'يسلم رئيس المجلس الجماعي رخصة البناء قبل كل بناء جديد أو تغيير لبناء قائم. تدرس هذه الطلبات وفق مسطرة المشاريع الكبرى المحددة في ضابط البناء العام، داخل أجل أقصاه 30 يوما.',
            'Le président du conseil communal délivre le permis de construire avant toute construction nouvelle ou modification d’une construction existante. Ces demandes sont instruites selon la procédure des grands projets du règlement général de construction, dans un délai maximum de 30 jours.',
            'The president of the communal council issues the building permit before any new building or any change to an existing one. These requests follow the large-projects procedure of the general building regulation, within at most 30 days.',
          ),
      t(
        'تحدد مصلحة التعمير المسطرة التي يخضع لها المشروع.',
        "Le service de l'urbanisme indique la procédure dont relève le projet.",
        'The urban planning division tells which procedure a project falls under.',
      ),
      SILENCE_SENTENCE,
    ),
    legalReferences: [
      ref('Loi n° 12-90, titre III (art. 40 à 54)', LAW_12_90),
      ref('Décret n° 2-18-577 du 12 juin 2019', DECREE_2_18_577),
      ref('Arrêté conjoint n° 1839-23 (BO n° 7212 du 13 juillet 2023)', JOINT_ORDER_1839_23),
      ...SILENCE_REFS,
      ref('Loi n° 47-06 (taxe sur les opérations de construction)', LAW_47_06),
    ],
    receivingDepartment: 'urbanisme',
    processingDepartment: 'urbanisme',
    citizenDocuments: [
      {
        key: 'architectural_plans',
        name: t(
          'التصاميم المعمارية للمشروع (تصميم الموقع، التصاميم، الواجهات، المقاطع)',
          'Plans architecturaux du projet (plan de situation, plans, façades, coupes)',
          'Architectural plans of the project (site plan, floor plans, façades, sections)',
        ),
        required: true,
        swornStatementAllowed: false,
      },
      ...(small
        ? []
        : [
            {
              key: 'structural_plans',
              name: t(
                'تصاميم الخرسانة المسلحة المنجزة من طرف مهندس',
                'Plans de béton armé établis par un ingénieur',
                'Structural (reinforced-concrete) plans by an engineer',
              ),
              required: false,
              swornStatementAllowed: false,
              note: t('إذا تطلبها المشروع.', 'Si le projet les exige.', 'Where the project requires them.'),
            } satisfies CitizenDocument,
          ]),
      OWNERSHIP_DEED,
    ],
    fetchedDocuments: [LAND_TITLE_CERTIFICATE],
    fee: null,
    deadline: { days: small ? 15 : 30, kind: 'calendar', investment: false },
    silence: 'approval',
    appeals: APPEALS,
    extensionReasons: [],
    fields: [
      APPLICANT_CIN,
      PARCEL_ADDRESS,
      LAND_TITLE_NUMBER,
      PARCEL_SURFACE,
      surfaceField('built_surface', t('المساحة المبنية الإجمالية', 'Surface construite totale', 'Total built floor area'), 1_000_000),
      {
        key: 'floors',
        type: 'number',
        label: t('عدد الطوابق فوق سطح الأرض', 'Nombre de niveaux hors sol', 'Number of floors above ground'),
        required: true,
        min: 0,
        max: 60,
      },
      {
        key: 'use',
        type: 'choice',
        label: t('تخصيص البناية', 'Destination de la construction', 'Use of the building'),
        required: true,
        options: [
          { key: 'housing', label: t('سكن', 'Habitation', 'Housing') },
          { key: 'commercial', label: t('تجارة أو خدمات', 'Commerce ou services', 'Commerce or services') },
          { key: 'mixed', label: t('سكن وتجارة', 'Habitation et commerce', 'Housing and commerce') },
          { key: 'industrial', label: t('صناعة أو صناعة تقليدية', 'Industrie ou artisanat', 'Industry or crafts') },
          { key: 'facility', label: t('مرفق عمومي', 'Équipement public', 'Public facility') },
          { key: 'other', label: t('استعمال آخر', 'Autre usage', 'Other use') },
        ],
      },
      {
        key: 'architect_name',
        type: 'text',
        label: t('اسم المهندس المعماري', "Nom de l'architecte", "Architect's name"),
        required: false,
        maxLength: 200,
      },
    ],
    issuedDocument: { title: t('رخصة البناء', 'Permis de construire', 'Building permit') },
    uncertain: sentences(
      U_JOINT_ORDER,
      U_CALENDAR_DAYS,
      t(
        'تستحق الرسم على عمليات البناء (القانون رقم 47.06) ويحتسب حسب المساحة المبنية بالسعر الذي يحدده القرار الجبائي لجماعة بركان، وهو غير متوفر هنا.',
        "La taxe sur les opérations de construction (loi n° 47-06) est due ; elle se calcule sur la surface construite au taux fixé par l'arrêté fiscal de la commune de Berkane, non disponible ici.",
        "The tax on building operations (Law 47-06) is due; it is computed on the built floor area at the rate set by the Berkane commune's tax decision, which is not available here.",
      ),
      t(
        'لم نتحقق من اللائحة الكاملة للوثائق التي يفرضها ضابط البناء العام (المرسوم رقم 2.18.577) ولا من معايير التمييز بين المشاريع الصغرى والكبرى.',
        'La liste complète des pièces exigées par le règlement général de construction (décret n° 2-18-577) et les critères qui distinguent petits et grands projets n’ont pas été vérifiés.',
        'The full list of documents the general building regulation (Decree 2.18.577) requires, and the criteria separating small from large projects, were not checked.',
      ),
    ),
  };
}

const SUBDIVISION: ProcedureDefinition = {
  code: 'subdivision',
  category: 'urbanism',
  name: t('الإذن بإحداث تجزئة عقارية', 'Autorisation de lotir', 'Subdivision (lotissement) authorization'),
  summary: sentences(
    t(
      'يخضع لإذن مسبق يسلمه رئيس المجلس الجماعي كل تقسيم لعقار عن طريق البيع أو الإيجار أو القسمة إلى بقعتين أو أكثر معدة لإقامة بنايات للسكنى أو للصناعة أو للسياحة أو للتجارة أو للصناعة التقليدية، أيا كانت مساحة البقع. الأجل الأقصى 30 يوما.',
      "Toute division par vente, location ou partage d'une propriété foncière en deux lots ou plus destinés à la construction d'immeubles à usage d'habitation, industriel, touristique, commercial ou artisanal, quelle que soit la superficie des lots, est subordonnée à une autorisation préalable du président du conseil communal. Délai maximum : 30 jours.",
      'Dividing a property by sale, lease or partition into two or more lots intended for housing, industrial, tourist, commercial or craft buildings, whatever the size of the lots, requires prior authorization from the president of the communal council. Maximum deadline: 30 days.',
    ),
    SILENCE_SENTENCE,
  ),
  legalReferences: [
    ref('Loi n° 25-90, art. 1 à 4 (art. 3 modifié par la loi n° 66-12)', LAW_25_90),
    ref('Loi n° 66-12', LAW_66_12),
    ref('Décret n° 2-18-577 du 12 juin 2019', DECREE_2_18_577),
    ref('Arrêté conjoint n° 1839-23 (BO n° 7212 du 13 juillet 2023)', JOINT_ORDER_1839_23),
    ...SILENCE_REFS,
    ref('Loi n° 47-06 (taxe sur les opérations de lotissement)', LAW_47_06),
  ],
  receivingDepartment: 'urbanisme',
  processingDepartment: 'urbanisme',
  citizenDocuments: [
    {
      key: 'topographic_plan',
      name: t(
        'تصميم طبوغرافي منجز على أساس النقط المحسوبة لمحيط العقار المراد تجزئته',
        'Plan topographique établi sur la base des points calculés du périmètre à lotir',
        'Topographic plan based on the surveyed points of the boundary of the land to subdivide',
      ),
      required: true,
      swornStatementAllowed: false,
    },
    {
      key: 'layout_plans',
      name: t(
        'تصاميم التهيئة العمرانية للتجزئة (البقع، الطرق، المساحات الخضراء والفضاءات الحرة)',
        'Plans de conception urbanistique du lotissement (lots, voies, espaces verts et espaces libres)',
        'Urban design plans of the subdivision (lots, roads, green and open spaces)',
      ),
      required: true,
      swornStatementAllowed: false,
    },
    {
      key: 'network_files',
      name: t(
        'الملفات التقنية لأشغال التجهيز (الطرق، الماء، الكهرباء، التطهير)',
        "Dossiers techniques des travaux d'équipement (voirie, eau, électricité, assainissement)",
        'Technical files for the infrastructure works (roads, water, electricity, sanitation)',
      ),
      required: true,
      swornStatementAllowed: false,
    },
    {
      key: 'specifications',
      name: t(
        'دفتر التحملات الخاص بالتجزئة',
        'Cahier des charges du lotissement',
        'Specifications (cahier des charges) of the subdivision',
      ),
      required: true,
      swornStatementAllowed: false,
    },
  ],
  fetchedDocuments: [LAND_TITLE_CERTIFICATE],
  fee: null,
  deadline: { days: 30, kind: 'calendar', investment: false },
  silence: 'approval',
  appeals: APPEALS,
  extensionReasons: [],
  fields: [
    APPLICANT_CIN,
    COMPANY_NAME,
    PARCEL_ADDRESS,
    landTitleField(true),
    PARCEL_SURFACE,
    {
      key: 'lots_count',
      type: 'number',
      label: t('عدد البقع', 'Nombre de lots', 'Number of lots'),
      required: true,
      min: 2,
      max: 100_000,
    },
    {
      key: 'use',
      type: 'choice',
      label: t('تخصيص البقع', 'Destination des lots', 'Use of the lots'),
      required: true,
      options: [
        { key: 'housing', label: t('سكنى', 'Habitation', 'Housing') },
        { key: 'industrial', label: t('صناعة', 'Industriel', 'Industrial') },
        { key: 'tourism', label: t('سياحة', 'Touristique', 'Tourism') },
        { key: 'commercial', label: t('تجارة', 'Commercial', 'Commercial') },
        { key: 'crafts', label: t('صناعة تقليدية', 'Artisanal', 'Crafts') },
      ],
    },
  ],
  issuedDocument: { title: t('الإذن بإحداث تجزئة عقارية', 'Autorisation de lotir', 'Subdivision authorization') },
  uncertain: sentences(
    t(
      'كان القانون رقم 25.90 ينص على أجل ثلاثة أشهر تعتبر بعده الرخصة ممنوحة ضمنيا.',
      "La loi n° 25-90 prévoyait un délai de trois mois à l'issue duquel l'autorisation était réputée tacite.",
      'Law 25-90 provided a three-month period after which the authorization was tacit.',
    ),
    U_JOINT_ORDER,
    U_CALENDAR_DAYS,
    t(
      'يستحق الرسم على عمليات التجزئة (القانون رقم 47.06) بالسعر الذي يحدده القرار الجبائي لجماعة بركان، وهو غير متوفر هنا.',
      "La taxe sur les opérations de lotissement (loi n° 47-06) est due au taux fixé par l'arrêté fiscal de la commune de Berkane, non disponible ici.",
      "The tax on subdivision operations (Law 47-06) is due at the rate set by the Berkane commune's tax decision, which is not available here.",
    ),
    U_DOCS,
  ),
};

const HOUSING_GROUP: ProcedureDefinition = {
  code: 'housing_group',
  category: 'urbanism',
  name: t('الإذن بإحداث مجموعة سكنية', "Autorisation de créer un groupe d'habitations", 'Authorization to create a housing group'),
  summary: sentences(
    t(
      'يخضع إنجاز مجموعة سكنية، أي عدة مساكن تبنى كعملية واحدة على عقار واحد، لإذن مسبق يسلمه رئيس المجلس الجماعي طبقا للباب الثالث من القانون رقم 25.90. الأجل الأقصى 30 يوما.',
      "La réalisation d'un groupe d'habitations, c'est-à-dire de plusieurs logements construits en une seule opération sur une même propriété, est soumise à une autorisation préalable du président du conseil communal (titre III de la loi n° 25-90). Délai maximum : 30 jours.",
      'Building a housing group — several dwellings built as one operation on one property — requires prior authorization from the president of the communal council (Title III of Law 25-90). Maximum deadline: 30 days.',
    ),
    SILENCE_SENTENCE,
  ),
  legalReferences: [
    ref('Loi n° 25-90, titre III', LAW_25_90),
    ref('Loi n° 66-12', LAW_66_12),
    ref('Décret n° 2-18-577 du 12 juin 2019', DECREE_2_18_577),
    ref('Arrêté conjoint n° 1839-23 (BO n° 7212 du 13 juillet 2023)', JOINT_ORDER_1839_23),
    ...SILENCE_REFS,
  ],
  receivingDepartment: 'urbanisme',
  processingDepartment: 'urbanisme',
  citizenDocuments: [
    {
      key: 'topographic_plan',
      name: t('تصميم طبوغرافي للعقار', 'Plan topographique du terrain', 'Topographic plan of the land'),
      required: true,
      swornStatementAllowed: false,
    },
    {
      key: 'architectural_plans',
      name: t(
        'التصاميم المعمارية للمجموعة السكنية',
        "Plans architecturaux du groupe d'habitations",
        'Architectural plans of the housing group',
      ),
      required: true,
      swornStatementAllowed: false,
    },
    {
      key: 'network_files',
      name: t(
        'الملفات التقنية لأشغال التجهيز (الطرق، الماء، الكهرباء، التطهير)',
        "Dossiers techniques des travaux d'équipement (voirie, eau, électricité, assainissement)",
        'Technical files for the infrastructure works (roads, water, electricity, sanitation)',
      ),
      required: true,
      swornStatementAllowed: false,
    },
  ],
  fetchedDocuments: [LAND_TITLE_CERTIFICATE],
  fee: null,
  deadline: { days: 30, kind: 'calendar', investment: false },
  silence: 'approval',
  appeals: APPEALS,
  extensionReasons: [],
  fields: [
    APPLICANT_CIN,
    COMPANY_NAME,
    PARCEL_ADDRESS,
    landTitleField(true),
    PARCEL_SURFACE,
    {
      key: 'dwellings_count',
      type: 'number',
      label: t('عدد المساكن', 'Nombre de logements', 'Number of dwellings'),
      required: true,
      min: 2,
      max: 100_000,
    },
  ],
  issuedDocument: { title: t('الإذن بإحداث مجموعة سكنية', "Autorisation de créer un groupe d'habitations", 'Housing group authorization') },
  uncertain: sentences(
    U_JOINT_ORDER,
    U_CALENDAR_DAYS,
    t(
      'لم نتحقق من تعريف المجموعة السكنية كما ورد في القانون ولا من الرسوم المستحقة.',
      "La définition légale du groupe d'habitations et les taxes dues n'ont pas été vérifiées.",
      'The legal definition of a housing group and the taxes due were not checked.',
    ),
    U_DOCS,
  ),
};

const LAND_DIVISION: ProcedureDefinition = {
  code: 'land_division',
  category: 'urbanism',
  name: t('الإذن بتقسيم عقار', 'Autorisation de morceler', 'Land division (morcellement) authorization'),
  summary: sentences(
    t(
      'يخضع لإذن مسبق يسلمه رئيس المجلس الجماعي كل بيع أو قسمة يكون هدفهما أو يترتب عليهما تقسيم عقار إلى بقعتين أو أكثر غير معدة لإقامة بناء عليها (الباب الرابع من القانون رقم 25.90). الأجل الأقصى 30 يوما.',
      "Toute vente ou tout partage ayant pour objet ou pour effet la division d'une propriété en deux parcelles ou plus non destinées à recevoir des constructions est soumis à une autorisation préalable du président du conseil communal (titre IV de la loi n° 25-90). Délai maximum : 30 jours.",
      'Any sale or partition that divides a property into two or more plots not intended for building requires prior authorization from the president of the communal council (Title IV of Law 25-90). Maximum deadline: 30 days.',
    ),
    SILENCE_SENTENCE,
  ),
  legalReferences: [
    ref('Loi n° 25-90, titre IV (art. 58 et suivants)', LAW_25_90),
    ref('Loi n° 66-12', LAW_66_12),
    ref('Décret n° 2-18-577 du 12 juin 2019', DECREE_2_18_577),
    ref('Arrêté conjoint n° 1839-23 (BO n° 7212 du 13 juillet 2023)', JOINT_ORDER_1839_23),
    ...SILENCE_REFS,
  ],
  receivingDepartment: 'urbanisme',
  processingDepartment: 'urbanisme',
  citizenDocuments: [
    {
      key: 'division_plan',
      name: t('تصميم التقسيم المزمع', 'Plan du morcellement projeté', 'Plan of the planned division'),
      required: true,
      swornStatementAllowed: false,
      note: t(
        'ينجزه عادة مهندس مساح طبوغرافي.',
        'Généralement établi par un ingénieur géomètre-topographe.',
        'Usually drawn up by a licensed surveyor (ingénieur géomètre-topographe).',
      ),
    },
    OWNERSHIP_DEED,
  ],
  fetchedDocuments: [LAND_TITLE_CERTIFICATE],
  fee: null,
  deadline: { days: 30, kind: 'calendar', investment: false },
  silence: 'approval',
  appeals: APPEALS,
  extensionReasons: [],
  fields: [
    APPLICANT_CIN,
    PARCEL_ADDRESS,
    LAND_TITLE_NUMBER,
    PARCEL_SURFACE,
    {
      key: 'parts_count',
      type: 'number',
      label: t('عدد البقع الناتجة عن التقسيم', 'Nombre de parcelles après morcellement', 'Number of plots after the division'),
      required: true,
      min: 2,
      max: 1_000,
    },
  ],
  issuedDocument: { title: t('الإذن بتقسيم عقار', 'Autorisation de morceler', 'Land division authorization') },
  uncertain: sentences(
    U_JOINT_ORDER,
    U_CALENDAR_DAYS,
    t(
      'لم نطلع على نص المادة 58 نفسها؛ التعريف أعلاه مأخوذ من مصادر ثانوية. لم نتحقق من الرسوم المستحقة.',
      "Le texte même de l'article 58 n'a pas été consulté ; la définition ci-dessus vient de sources secondaires. Les taxes dues n'ont pas été vérifiées.",
      'The text of article 58 itself was not read; the definition above comes from secondary sources. The taxes due were not checked.',
    ),
    U_DOCS,
  ),
};

const OCCUPANCY_PERMIT: ProcedureDefinition = {
  code: 'occupancy_permit',
  category: 'urbanism',
  name: t('رخصة السكن أو شهادة المطابقة', "Permis d'habiter ou certificat de conformité", 'Occupancy permit or certificate of conformity'),
  summary: sentences(
    t(
      'لا يجوز استعمال بناية بعد انتهاء الأشغال إلا بعد الحصول على رخصة السكن (للبنايات المعدة للسكنى) أو شهادة المطابقة (لباقي الاستعمالات)، يسلمها رئيس المجلس الجماعي بعد التحقق من مطابقة الأشغال لرخصة البناء. إذا أشرف مهندس معماري على الأشغال، يمكن أن تعوض شهادته المعاينة.',
      "Une construction achevée ne peut être utilisée qu'après obtention du permis d'habiter (immeubles d'habitation) ou du certificat de conformité (autres usages), délivré par le président du conseil communal après vérification de la conformité des travaux au permis de construire. Si un architecte a dirigé les travaux, son attestation peut remplacer le récolement.",
      'A finished building may be used only once it has an occupancy permit (housing) or a certificate of conformity (other uses), issued by the president of the communal council after checking the works against the building permit. If an architect directed the works, the architect’s certificate can replace the inspection.',
    ),
    SILENCE_SENTENCE,
  ),
  legalReferences: [
    ref('Loi n° 12-90, art. 55 à 58', LAW_12_90),
    ref('Décret n° 2-18-577 du 12 juin 2019', DECREE_2_18_577),
    ...SILENCE_REFS,
  ],
  receivingDepartment: 'urbanisme',
  processingDepartment: 'urbanisme',
  citizenDocuments: [
    {
      key: 'completion_declaration',
      name: t('التصريح بانتهاء أشغال البناء', "Déclaration d'achèvement des travaux", 'Declaration that the building works are finished'),
      required: true,
      swornStatementAllowed: true,
    },
    {
      key: 'architect_certificate',
      name: t(
        'شهادة انتهاء الأشغال ومطابقتها يسلمها المهندس المعماري الذي أشرف عليها',
        "Attestation d'achèvement et de conformité des travaux délivrée par l'architecte qui les a dirigés",
        'Certificate of completion and conformity of the works from the architect who directed them',
      ),
      required: false,
      swornStatementAllowed: false,
      note: t(
        'إذا لم يشرف مهندس معماري على الأشغال، تقوم الجماعة بمعاينة البناية.',
        "Si aucun architecte n'a dirigé les travaux, la commune procède au récolement.",
        'If no architect directed the works, the commune inspects the building instead.',
      ),
    },
  ],
  fetchedDocuments: [],
  fee: null,
  deadline: { days: 30, kind: 'calendar', investment: false },
  silence: 'approval',
  appeals: APPEALS,
  extensionReasons: [],
  fields: [
    APPLICANT_CIN,
    {
      key: 'building_permit_number',
      type: 'text',
      label: t('مراجع رخصة البناء', 'Références du permis de construire', 'Building permit reference'),
      required: true,
      maxLength: 60,
    },
    {
      key: 'building_permit_date',
      type: 'date',
      label: t('تاريخ رخصة البناء', 'Date du permis de construire', 'Date of the building permit'),
      required: false,
    },
    addressField('property_address', t('عنوان البناية', "Adresse de l'immeuble", 'Address of the building')),
    {
      key: 'building_use',
      type: 'choice',
      label: t('تخصيص البناية', "Destination de l'immeuble", 'Use of the building'),
      required: true,
      options: [
        { key: 'housing', label: t('سكنى (رخصة السكن)', "Habitation (permis d'habiter)", 'Housing (occupancy permit)') },
        {
          key: 'other',
          label: t('استعمال آخر (شهادة المطابقة)', 'Autre usage (certificat de conformité)', 'Other use (certificate of conformity)'),
        },
      ],
    },
    {
      key: 'completion_date',
      type: 'date',
      label: t('تاريخ انتهاء الأشغال', "Date d'achèvement des travaux", 'Date the works were finished'),
      required: true,
    },
  ],
  issuedDocument: {
    title: t(
      'رخصة السكن أو شهادة المطابقة',
      "Permis d'habiter ou certificat de conformité",
      'Occupancy permit or certificate of conformity',
    ),
  },
  uncertain: sentences(
    t(
      'أجل شهر واحد من تاريخ التصريح بانتهاء الأشغال منقول عن مصادر ثانوية، ولم نطلع على النص الذي ينص عليه.',
      "Le délai d'un mois à compter de la déclaration d'achèvement vient de sources secondaires ; le texte qui le fixe n'a pas été consulté.",
      'The one-month deadline from the declaration of completion comes from secondary sources; the text that sets it was not read.',
    ),
    t(
      'يشير دليل منشور سنة 2008 إلى أن رخصة السكن تسلم مجانا؛ لم نتحقق من ذلك في القرار الجبائي لجماعة بركان.',
      "Un guide publié en 2008 indique que le permis d'habiter est délivré gratuitement ; cela n'a pas été vérifié dans l'arrêté fiscal de la commune de Berkane.",
      "A guide published in 2008 says the occupancy permit is issued free of charge; this was not checked against the Berkane commune's tax decision.",
    ),
    U_DOCS,
  ),
};

const REPAIR_PERMIT: ProcedureDefinition = {
  code: 'repair_permit',
  category: 'urbanism',
  name: t('رخصة الإصلاح', 'Permis de réfection', 'Repair permit'),
  summary: sentences(
    t(
      'يسلم رئيس المجلس الجماعي رخصة الإصلاح لإنجاز أشغال بسيطة في بناية قائمة لا تستوجب رخصة البناء أو التغيير: أشغال لا تغير تخصيص البناية ولا تمس الأجزاء المشتركة أو الهياكل الحاملة أو الواجهات أو التوزيع الداخلي، وكذا المنشآت الموسمية أو المؤقتة.',
      "Le président du conseil communal délivre le permis de réfection pour de menus travaux sur une construction existante qui n'exigent pas de permis de construire ou de modifier : travaux qui ne changent pas l'affectation et ne touchent ni les parties indivises, ni les structures porteuses, ni les façades, ni la distribution intérieure, ainsi que les installations saisonnières ou occasionnelles.",
      'The president of the communal council issues the repair permit for minor works on an existing building that need no building or alteration permit: works that change neither its use nor its shared parts, load-bearing structure, façades or interior layout, and seasonal or occasional installations.',
    ),
    SILENCE_SENTENCE,
  ),
  legalReferences: [
    ref('Loi n° 12-90, art. 40 (modifié par la loi n° 66-12)', LAW_12_90),
    ref('Décret n° 2-18-475 du 12 juin 2019, chapitre premier', DECREE_2_18_475),
    ...SILENCE_REFS,
  ],
  receivingDepartment: 'urbanisme',
  processingDepartment: 'urbanisme',
  citizenDocuments: [
    {
      key: 'works_photos',
      name: t('صور الأجزاء المعنية بالإصلاح', 'Photographies des parties concernées', 'Photographs of the parts to be repaired'),
      required: false,
      swornStatementAllowed: false,
    },
    OWNERSHIP_DEED,
  ],
  fetchedDocuments: [LAND_TITLE_CERTIFICATE],
  fee: null,
  deadline: { days: 60, kind: 'calendar', investment: false },
  silence: 'approval',
  appeals: APPEALS,
  extensionReasons: [],
  fields: [
    APPLICANT_CIN,
    addressField('property_address', t('عنوان البناية', "Adresse de l'immeuble", 'Address of the building')),
    LAND_TITLE_NUMBER,
    {
      key: 'works_description',
      type: 'textarea',
      label: t('وصف الأشغال المزمع إنجازها', 'Description des travaux prévus', 'Description of the planned works'),
      required: true,
      maxLength: 2_000,
    },
    {
      key: 'works_start',
      type: 'date',
      label: t('تاريخ بدء الأشغال المتوقع', 'Date prévue de début des travaux', 'Planned start of the works'),
      required: false,
    },
    {
      key: 'works_duration_days',
      type: 'number',
      label: t('المدة المتوقعة للأشغال (بالأيام)', 'Durée prévue des travaux (jours)', 'Expected duration of the works (days)'),
      required: false,
      min: 1,
      max: 365,
    },
  ],
  issuedDocument: { title: t('رخصة الإصلاح', 'Permis de réfection', 'Repair permit') },
  uncertain: sentences(
    U_DEADLINE_MAX,
    t(
      'لم نطلع على لائحة الوثائق والآجال التي يحددها المرسوم رقم 2.18.475؛ الوثائق المذكورة هنا اختيارية في انتظار ذلك.',
      'La liste des pièces et les délais fixés par le décret n° 2-18-475 n’ont pas été consultés ; les pièces indiquées ici sont facultatives en attendant.',
      'The document list and deadlines set by Decree 2.18.475 were not read; the documents listed here are optional until they are.',
    ),
    U_FEE_UNKNOWN,
  ),
};

const DEMOLITION_PERMIT: ProcedureDefinition = {
  code: 'demolition_permit',
  category: 'urbanism',
  name: t('رخصة الهدم', 'Permis de démolir', 'Demolition permit'),
  summary: sentences(
    t(
      'يسلم رئيس المجلس الجماعي رخصة الهدم قبل هدم بناية كليا أو جزئيا، وفق الإجراءات والكيفيات التي يحددها المرسوم رقم 2.18.475.',
      "Le président du conseil communal délivre le permis de démolir avant toute démolition totale ou partielle d'une construction, selon les procédures et modalités fixées par le décret n° 2-18-475.",
      'The president of the communal council issues the demolition permit before a building is demolished in whole or in part, following the procedure set by Decree 2.18.475.',
    ),
    SILENCE_SENTENCE,
  ),
  legalReferences: [
    ref('Loi n° 12-90 (telle que modifiée par la loi n° 66-12)', LAW_12_90),
    ref('Décret n° 2-18-475 du 12 juin 2019', DECREE_2_18_475),
    ...SILENCE_REFS,
  ],
  receivingDepartment: 'urbanisme',
  processingDepartment: 'urbanisme',
  citizenDocuments: [
    {
      key: 'demolition_method',
      name: t(
        'مذكرة حول طريقة الهدم وتدابير السلامة لحماية الجيران والمارة',
        'Notice sur le mode de démolition et les mesures de sécurité pour les voisins et les passants',
        'Note on the demolition method and the safety measures for neighbours and passers-by',
      ),
      required: false,
      swornStatementAllowed: false,
    },
    {
      key: 'building_photos',
      name: t('صور البناية المراد هدمها', 'Photographies de la construction à démolir', 'Photographs of the building to be demolished'),
      required: false,
      swornStatementAllowed: false,
    },
    OWNERSHIP_DEED,
  ],
  fetchedDocuments: [LAND_TITLE_CERTIFICATE],
  fee: null,
  deadline: { days: 60, kind: 'calendar', investment: false },
  silence: 'approval',
  appeals: APPEALS,
  extensionReasons: [],
  fields: [
    APPLICANT_CIN,
    addressField('property_address', t('عنوان البناية', "Adresse de l'immeuble", 'Address of the building')),
    LAND_TITLE_NUMBER,
    {
      key: 'demolition_scope',
      type: 'choice',
      label: t('نوع الهدم', 'Étendue de la démolition', 'Extent of the demolition'),
      required: true,
      options: [
        { key: 'total', label: t('هدم كلي', 'Démolition totale', 'Total demolition') },
        { key: 'partial', label: t('هدم جزئي', 'Démolition partielle', 'Partial demolition') },
      ],
    },
    {
      key: 'building_description',
      type: 'textarea',
      label: t(
        'وصف البناية والأجزاء المراد هدمها',
        'Description de la construction et des parties à démolir',
        'Description of the building and of the parts to demolish',
      ),
      required: true,
      maxLength: 2_000,
    },
    {
      key: 'works_start',
      type: 'date',
      label: t('تاريخ بدء الأشغال المتوقع', 'Date prévue de début des travaux', 'Planned start of the works'),
      required: false,
    },
  ],
  issuedDocument: { title: t('رخصة الهدم', 'Permis de démolir', 'Demolition permit') },
  uncertain: sentences(
    U_DEADLINE_MAX,
    t(
      'لم نطلع على لائحة الوثائق والآجال التي يحددها المرسوم رقم 2.18.475 ولا على المادة من القانون رقم 12.90 التي تفرض رخصة الهدم؛ الوثائق المذكورة هنا اختيارية في انتظار ذلك.',
      "La liste des pièces et les délais fixés par le décret n° 2-18-475, ainsi que l'article de la loi n° 12-90 qui impose le permis de démolir, n'ont pas été consultés ; les pièces indiquées ici sont facultatives en attendant.",
      'The document list and deadlines set by Decree 2.18.475, and the article of Law 12-90 that requires the demolition permit, were not read; the documents listed here are optional until they are.',
    ),
    U_FEE_UNKNOWN,
  ),
};

const SIGNATURE_LEGALIZATION: ProcedureDefinition = {
  code: 'signature_legalization',
  category: 'certification',
  name: t('الإشهاد على صحة الإمضاء (تصحيح الإمضاء)', 'Légalisation de signature', 'Legalization of a signature'),
  summary: t(
    'يشهد موظف مفوض من طرف رئيس المجلس الجماعي على صحة إمضائك على وثيقة بعد التحقق من هويتك: توقع أمامه على الوثيقة وفي سجل خاص. تقدم الخدمة حضوريا في الشباك وفي نفس اليوم، وإذا كان المعني بالأمر لا يحسن التوقيع يحضر شاهدين. لم يعد بإمكان الإدارات أن تشترط إمضاء مصادقا عليه في ملفاتها (المادة 7 من القانون رقم 55.19)، لكن الخدمة تبقى متاحة لوثائقك الخاصة (عقود، وكالات، التزامات).',
    "Un agent délégué par le président du conseil communal atteste l'authenticité de votre signature sur un document après vérification de votre identité : vous signez devant lui, sur le document et dans un registre. Le service se fait au guichet, en personne, dans la journée ; une personne qui ne sait pas signer vient avec deux témoins. Les administrations ne peuvent plus exiger de signature légalisée dans leurs dossiers (art. 7 de la loi n° 55-19), mais le service reste ouvert pour vos documents privés (contrats, procurations, engagements).",
    'An officer delegated by the president of the communal council certifies your signature on a document after checking your identity: you sign in front of the officer, on the document and in a register. The service is given in person at the counter, the same day; someone who cannot sign comes with two witnesses. Administrations may no longer require a legalized signature in their files (art. 7 of Law 55.19), but the service remains open for your private documents (contracts, powers of attorney, undertakings).',
  ),
  legalReferences: [ref('Loi organique n° 113-14', ORGANIC_LAW_113_14), ref('Loi n° 55-19, art. 7', LAW_55_19)],
  receivingDepartment: 'legalisation',
  processingDepartment: 'legalisation',
  citizenDocuments: [
    {
      key: 'document_to_sign',
      name: t('الوثيقة المراد توقيعها', 'Le document à signer', 'The document to be signed'),
      required: true,
      swornStatementAllowed: false,
      note: t(
        'لا توقعها مسبقا: يتم التوقيع أمام الموظف.',
        "Ne la signez pas à l'avance : vous signez devant l'agent.",
        'Do not sign it in advance: you sign in front of the officer.',
      ),
    },
  ],
  fetchedDocuments: [],
  fee: null,
  deadline: { days: 1, kind: 'calendar', investment: false },
  silence: 'refusal',
  appeals: APPEALS,
  extensionReasons: [],
  fields: [
    { ...APPLICANT_CIN, help: t('يقيد في سجل الإشهاد.', 'Inscrit au registre de légalisation.', 'Recorded in the legalization register.') },
    {
      key: 'document_type',
      type: 'choice',
      label: t('نوع الوثيقة', 'Nature du document', 'Kind of document'),
      required: true,
      options: [
        { key: 'contract', label: t('عقد', 'Contrat', 'Contract') },
        { key: 'power_of_attorney', label: t('وكالة', 'Procuration', 'Power of attorney') },
        { key: 'undertaking', label: t('التزام', 'Engagement', 'Undertaking') },
        { key: 'declaration', label: t('تصريح', 'Déclaration', 'Declaration') },
        { key: 'other', label: t('وثيقة أخرى', 'Autre document', 'Other document') },
      ],
    },
    {
      key: 'signatures_count',
      type: 'number',
      label: t('عدد الإمضاءات المطلوب الإشهاد عليها', 'Nombre de signatures à légaliser', 'Number of signatures to legalize'),
      required: true,
      min: 1,
      max: 20,
    },
  ],
  issuedDocument: null,
  uncertain: sentences(
    U_FEE_DECISION,
    t(
      'يوضع الإشهاد على الوثيقة نفسها، لذا لا تصدر هذه البطاقة وثيقة منفصلة. لم نتحقق من مادة القانون التنظيمي رقم 113.14 التي تسند هذه المهمة إلى الرئيس ومفوضيه، ولا من نص تنظيمي خاص بالإشهاد على الإمضاء.',
      "La légalisation est apposée sur le document lui-même : cette fiche ne délivre donc pas de document séparé. L'article de la loi organique n° 113-14 qui confie cette mission au président et à ses délégués, et un éventuel texte réglementaire propre à la légalisation des signatures, n'ont pas été vérifiés.",
      'The legalization is stamped on the document itself, so this fiche issues no separate document. The article of Organic Law 113-14 that gives this task to the president and his delegates, and any regulation specific to signature legalization, were not checked.',
    ),
  ),
};

const COPY_CERTIFICATION: ProcedureDefinition = {
  code: 'copy_certification',
  category: 'certification',
  name: t(
    'الإشهاد على مطابقة نسخ الوثائق لأصولها',
    'Certification de la conformité des copies aux originaux',
    'Certification of copies as conforming to the original',
  ),
  summary: t(
    'يشهد موظف مفوض على أن نسخة وثيقة مطابقة لأصلها بعد مقارنتهما، ويجب الإدلاء بالأصل. لا يشهد على مطابقة نسخ وثائق الحالة المدنية التي تسلم مباشرة من مصدرها. تقدم الخدمة حضوريا في الشباك وفي نفس اليوم. لم يعد بإمكان الإدارات أن تشترط نسخا مشهودا بمطابقتها في ملفاتها (المادة 7 من القانون رقم 55.19).',
    "Un agent délégué certifie qu'une copie est conforme à l'original après les avoir comparés ; l'original doit être présenté. Les copies des actes d'état civil, qui se demandent directement à leur source, ne sont pas certifiées. Le service se fait au guichet, en personne, dans la journée. Les administrations ne peuvent plus exiger de copies certifiées dans leurs dossiers (art. 7 de la loi n° 55-19).",
    'A delegated officer certifies that a copy conforms to the original after comparing them; the original must be shown. Copies of civil-status records, which are obtained directly from their source, are not certified. The service is given in person at the counter, the same day. Administrations may no longer require certified copies in their files (art. 7 of Law 55.19).',
  ),
  legalReferences: [
    ref('Décret n° 2-17-410 du 20 septembre 2017', DECREE_2_17_410),
    ref('Loi organique n° 113-14', ORGANIC_LAW_113_14),
    ref('Loi n° 55-19, art. 7', LAW_55_19),
  ],
  receivingDepartment: 'legalisation',
  processingDepartment: 'legalisation',
  citizenDocuments: [
    {
      key: 'original_and_photocopies',
      name: t(
        'الوثيقة الأصلية ونسخها المراد الإشهاد عليها',
        'Le document original et les photocopies à certifier',
        'The original document and the photocopies to be certified',
      ),
      required: true,
      swornStatementAllowed: false,
      note: t('يعرض الأصل في الشباك.', "L'original est présenté au guichet.", 'The original is shown at the counter.'),
    },
  ],
  fetchedDocuments: [],
  fee: null,
  deadline: { days: 1, kind: 'calendar', investment: false },
  silence: 'refusal',
  appeals: APPEALS,
  extensionReasons: [],
  fields: [
    {
      key: 'document_title',
      type: 'text',
      label: t('عنوان الوثيقة', 'Intitulé du document', 'Title of the document'),
      required: true,
      maxLength: 200,
    },
    {
      key: 'copies_count',
      type: 'number',
      label: t('عدد النسخ', 'Nombre de copies', 'Number of copies'),
      required: true,
      min: 1,
      max: 50,
    },
  ],
  issuedDocument: null,
  uncertain: sentences(
    U_FEE_DECISION,
    t(
      'يوضع الإشهاد على النسخ نفسها، لذا لا تصدر هذه البطاقة وثيقة منفصلة. تاريخ المرسوم رقم 2.17.410 (20 شتنبر 2017، الجريدة الرسمية عدد 6616، دخل حيز التنفيذ في 2 يناير 2018) منقول عن مصادر صحفية.',
      'La certification est apposée sur les copies elles-mêmes : cette fiche ne délivre donc pas de document séparé. La date du décret n° 2-17-410 (20 septembre 2017, BO n° 6616, en vigueur le 2 janvier 2018) vient de sources de presse.',
      'The certification is stamped on the copies themselves, so this fiche issues no separate document. The date of Decree 2.17.410 (20 September 2017, Official Bulletin 6616, in force on 2 January 2018) comes from press sources.',
    ),
  ),
};

const PUBLIC_DOMAIN_OCCUPATION: ProcedureDefinition = {
  code: 'public_domain_occupation',
  category: 'public_domain',
  name: t(
    'رخصة الاحتلال المؤقت للملك العمومي الجماعي',
    "Autorisation d'occupation temporaire du domaine public communal",
    'Temporary occupation of the communal public domain',
  ),
  summary: t(
    'يرخص رئيس المجلس الجماعي، بصفة مؤقتة ومقابل إتاوة، باحتلال جزء من الملك العمومي للجماعة (رصيف، ساحة...) لغرض محدد: فضاء خارجي لمقهى، عرض سلع، كشك، ورش بناء، تظاهرة. لا يترتب عن الاحتلال أي حق في الكراء التجاري أو الأصل التجاري (المادة 5 من القانون رقم 57.19).',
    "Le président du conseil communal autorise, à titre temporaire et contre redevance, l'occupation d'une partie du domaine public de la commune (trottoir, place…) pour un objet précis : terrasse de café, étalage, kiosque, chantier, manifestation. L'occupation ne crée aucun droit au bail commercial ni au fonds de commerce (art. 5 de la loi n° 57-19).",
    'The president of the communal council authorizes, temporarily and against a fee, the use of part of the commune’s public domain (pavement, square…) for a stated purpose: café terrace, goods display, kiosk, building site, event. The occupation creates no right to a commercial lease or to goodwill (art. 5 of Law 57.19).',
  ),
  legalReferences: [
    ref('Loi n° 57-19 (BO n° 7006 du 22 juillet 2021), art. 5', LAW_57_19),
    ref('Loi organique n° 113-14', ORGANIC_LAW_113_14),
    ref('Loi n° 55-19', LAW_55_19),
  ],
  receivingDepartment: 'bureau_ordre',
  processingDepartment: 'affaires_economiques',
  citizenDocuments: [
    {
      key: 'site_sketch',
      name: t(
        'رسم أو تصميم يبين الموقع والمساحة المراد احتلالها',
        "Croquis ou plan indiquant l'emplacement et la surface à occuper",
        'Sketch or plan showing the location and the area to be occupied',
      ),
      required: true,
      swornStatementAllowed: false,
    },
  ],
  fetchedDocuments: [],
  fee: null,
  deadline: { days: 60, kind: 'calendar', investment: false },
  silence: 'refusal',
  appeals: APPEALS,
  extensionReasons: [],
  fields: [
    APPLICANT_CIN,
    COMPANY_NAME,
    addressField('location', t('موقع الاحتلال', "Emplacement de l'occupation", 'Location of the occupation')),
    {
      key: 'occupation_type',
      type: 'choice',
      label: t('الغرض من الاحتلال', "Objet de l'occupation", 'Purpose of the occupation'),
      required: true,
      options: [
        { key: 'cafe_terrace', label: t('فضاء خارجي لمقهى أو مطعم', 'Terrasse de café ou de restaurant', 'Café or restaurant terrace') },
        { key: 'goods_display', label: t('عرض سلع أمام محل', 'Étalage devant un commerce', 'Goods displayed in front of a shop') },
        { key: 'kiosk', label: t('كشك', 'Kiosque', 'Kiosk') },
        {
          key: 'building_site',
          label: t('ورش بناء (مواد، سقالات)', 'Chantier (matériaux, échafaudages)', 'Building site (materials, scaffolding)'),
        },
        { key: 'event', label: t('تظاهرة', 'Manifestation', 'Event') },
        { key: 'other', label: t('غرض آخر', 'Autre objet', 'Other purpose') },
      ],
    },
    surfaceField('surface', t('المساحة المراد احتلالها', 'Surface à occuper', 'Area to be occupied'), 10_000),
    {
      key: 'start_date',
      type: 'date',
      label: t('تاريخ بداية الاحتلال', "Date de début de l'occupation", 'Start date of the occupation'),
      required: true,
    },
    {
      key: 'duration_months',
      type: 'number',
      label: t('المدة المطلوبة (بالأشهر)', 'Durée demandée (mois)', 'Requested duration (months)'),
      help: t(
        'تحدد الجماعة المدة في قرارها.',
        'La commune fixe la durée dans sa décision.',
        'The commune sets the duration in its decision.',
      ),
      required: true,
      min: 1,
      max: 120,
    },
  ],
  issuedDocument: {
    title: t(
      'رخصة الاحتلال المؤقت للملك العمومي الجماعي',
      "Autorisation d'occupation temporaire du domaine public communal",
      'Temporary occupation authorization',
    ),
  },
  uncertain: sentences(
    U_DEADLINE_MAX,
    t(
      'تحدد الإتاوة عادة حسب المتر المربع والمدة بمقرر للجماعة؛ مبلغها بالنسبة لجماعة بركان غير متوفر هنا. لم نتحقق من مواد القانون رقم 57.19 المتعلقة بالاحتلال المؤقت (باستثناء المادة 5).',
      "La redevance est en général fixée par mètre carré et par période par décision de la commune ; son montant pour Berkane n'est pas disponible ici. Les articles de la loi n° 57-19 sur l'occupation temporaire (hors l'article 5) n'ont pas été vérifiés.",
      "The fee is usually set per square metre and per period by a decision of the commune; Berkane's amount is not available here. The articles of Law 57.19 on temporary occupation (other than article 5) were not checked.",
    ),
    U_DOCS,
  ),
};

const SHOP_OPERATION: ProcedureDefinition = {
  code: 'shop_operation',
  category: 'economic',
  name: t(
    'رخصة استغلال محل تجاري أو مقهى',
    "Autorisation d'exploitation d'un commerce ou d'un café",
    'Authorization to operate a shop or café',
  ),
  summary: t(
    'يلزم فتح محل تجاري أو مقهى أو مطعم مفتوح للعموم الحصول على رخصة استغلال يسلمها رئيس المجلس الجماعي بعد رأي المصالح المعنية، كالمكتب الجماعي لحفظ الصحة والوقاية المدنية. إذا كان النشاط مرتبا ضمن المحلات المضرة بالصحة أو المزعجة أو الخطرة، تطبق مسطرة الصنف الثاني أو الثالث.',
    "L'ouverture d'un commerce, d'un café ou d'un restaurant ouvert au public est soumise à une autorisation d'exploitation du président du conseil communal, après l'avis des services concernés, tels que le bureau municipal d'hygiène et la protection civile. Si l'activité figure parmi les établissements insalubres, incommodes ou dangereux, la procédure de 2e ou de 3e classe s'applique.",
    'Opening a shop, café or restaurant open to the public requires an operating authorization from the president of the communal council, after the opinion of the services concerned, such as the municipal hygiene office and civil protection. If the activity is listed among the unhealthy, noxious or dangerous establishments, the class-2 or class-3 procedure applies instead.',
  ),
  legalReferences: [
    ref('Loi organique n° 113-14 (police administrative du président)', ORGANIC_LAW_113_14),
    ref('Loi n° 55-19', LAW_55_19),
  ],
  receivingDepartment: 'bureau_ordre',
  processingDepartment: 'affaires_economiques',
  citizenDocuments: [
    {
      key: 'premises_right',
      name: PREMISES_RIGHT.name,
      required: true,
      swornStatementAllowed: false,
      note: t('تكفي نسخة عادية.', 'Une simple copie suffit.', 'A plain copy is enough.'),
    },
    {
      key: 'premises_photo',
      name: t('صورة للمحل', 'Photographie du local', 'Photograph of the premises'),
      required: false,
      swornStatementAllowed: false,
    },
    {
      key: 'layout_plan',
      name: t('تصميم تهيئة المحل', "Plan d'aménagement du local", 'Layout plan of the premises'),
      required: false,
      swornStatementAllowed: false,
      note: t(
        'بالنسبة للمقاهي والمطاعم: المطبخ والمرافق الصحية وأماكن الجلوس.',
        'Pour les cafés et restaurants : cuisine, sanitaires et places assises.',
        'For cafés and restaurants: kitchen, toilets and seating.',
      ),
    },
  ],
  fetchedDocuments: [
    {
      key: 'trade_register_certificate',
      name: t('شهادة التقييد في السجل التجاري', 'Certificat d’immatriculation au registre du commerce', 'Trade register certificate'),
      from: t(
        'السجل التجاري لدى المحكمة التجارية المختصة',
        'Registre du commerce du tribunal de commerce compétent',
        'Trade register of the competent commercial court',
      ),
    },
  ],
  fee: null,
  deadline: { days: 60, kind: 'calendar', investment: false },
  silence: 'refusal',
  appeals: APPEALS,
  extensionReasons: [],
  fields: [
    APPLICANT_CIN,
    COMPANY_NAME,
    { key: 'trade_name', type: 'text', label: t('الاسم التجاري للمحل', 'Enseigne', 'Trade name'), required: false, maxLength: 200 },
    {
      key: 'activity',
      type: 'choice',
      label: t('نوع النشاط', "Type d'activité", 'Kind of activity'),
      required: true,
      options: [
        { key: 'shop', label: t('محل تجاري', 'Commerce', 'Shop') },
        { key: 'cafe', label: t('مقهى', 'Café', 'Café') },
        { key: 'restaurant', label: t('مطعم', 'Restaurant', 'Restaurant') },
        { key: 'snack', label: t('محل للأكلات الخفيفة', 'Snack', 'Snack bar') },
        { key: 'services', label: t('خدمات', 'Services', 'Services') },
        { key: 'other', label: t('نشاط آخر', 'Autre activité', 'Other activity') },
      ],
    },
    {
      key: 'activity_detail',
      type: 'text',
      label: t('وصف النشاط', "Description de l'activité", 'Description of the activity'),
      required: true,
      maxLength: 300,
    },
    addressField('premises_address', t('عنوان المحل', 'Adresse du local', 'Address of the premises')),
    surfaceField('premises_surface', t('مساحة المحل', 'Superficie du local', 'Floor area of the premises'), 100_000),
    {
      key: 'planned_opening',
      type: 'date',
      label: t('تاريخ الافتتاح المتوقع', "Date d'ouverture prévue", 'Planned opening date'),
      required: false,
    },
  ],
  issuedDocument: { title: t('رخصة استغلال محل', "Autorisation d'exploitation", 'Operating authorization') },
  uncertain: sentences(
    U_DEADLINE_MAX,
    t(
      'لم نتحقق من المادة الدقيقة من القانون التنظيمي رقم 113.14 ولا من القرار الجماعي الذي يؤطر هذه الرخصة في بركان.',
      "L'article précis de la loi organique n° 113-14 et l'arrêté communal qui encadrent cette autorisation à Berkane n'ont pas été vérifiés.",
      'The exact article of Organic Law 113-14, and the communal by-law that governs this authorization in Berkane, were not checked.',
    ),
    U_FEE_UNKNOWN,
    t(
      'تخضع المقاهي للرسم على محال بيع المشروبات (القانون رقم 47.06)، وهو رسم سنوي يصرح به على حدة وليس رسما عن هذا الطلب.',
      'Les cafés sont soumis à la taxe sur les débits de boissons (loi n° 47-06), taxe annuelle déclarée à part et non redevance de cette demande.',
      'Cafés are liable to the tax on drinking establishments (Law 47-06), a yearly tax declared separately, not a fee for this request.',
    ),
    U_DOCS,
  ),
};

const BIRTH_CERTIFICATE_EXTRACT: ProcedureDefinition = {
  code: 'birth_certificate_extract',
  category: 'civil_status',
  name: t('نسخة موجزة من رسم الولادة', "Extrait d'acte de naissance", 'Extract of a birth certificate'),
  summary: t(
    'يسلم مكتب الحالة المدنية بالجماعة نسخة موجزة من رسم الولادة المسجل في سجلاته، على الفور. إذا كانت الولادة مسجلة بجماعة أخرى، يقدم الطلب لدى مكتب الحالة المدنية الماسك للرسم. الخدمة متاحة أيضا عبر منصة وثيقة (watiqa.ma).',
    "Le bureau d'état civil de la commune délivre, immédiatement, un extrait de l'acte de naissance inscrit dans ses registres. Si la naissance est inscrite dans une autre commune, la demande se fait auprès du bureau d'état civil qui détient l'acte. Le service est aussi disponible sur la plateforme Watiqa (watiqa.ma).",
    "The commune's civil registry office issues, on the spot, an extract of a birth record held in its registers. If the birth is registered in another commune, ask the civil registry office that holds the record. The service is also available on the Watiqa platform (watiqa.ma).",
  ),
  legalReferences: [ref('Loi n° 36-21', LAW_36_21), ref('Loi n° 39-07', LAW_39_07)],
  receivingDepartment: 'etat_civil',
  processingDepartment: 'etat_civil',
  citizenDocuments: [
    {
      key: 'family_booklet',
      name: t(
        'الدفتر العائلي أو نسخة سابقة من الرسم',
        'Livret de famille ou un extrait antérieur de l’acte',
        'Family booklet or an earlier extract of the record',
      ),
      required: false,
      swornStatementAllowed: false,
      note: t('يساعد على إيجاد مراجع الرسم.', "Aide à retrouver les références de l'acte.", 'Helps find the record’s references.'),
    },
  ],
  fetchedDocuments: [],
  fee: {
    amountMad: 2,
    legalReference: 'Loi n° 39-07',
    note: t('عن كل نسخة.', 'Par extrait.', 'Per extract.'),
  },
  deadline: { days: 1, kind: 'calendar', investment: false },
  silence: 'refusal',
  appeals: APPEALS,
  extensionReasons: [],
  fields: [
    { ...APPLICANT_CIN, required: false },
    {
      key: 'person_name',
      type: 'text',
      label: t(
        'الاسم الشخصي والعائلي لصاحب الرسم',
        "Prénom et nom de la personne concernée par l'acte",
        'First name and surname on the record',
      ),
      required: true,
      maxLength: 200,
    },
    { key: 'birth_date', type: 'date', label: t('تاريخ الولادة', 'Date de naissance', 'Date of birth'), required: true },
    {
      key: 'record_number',
      type: 'text',
      label: t('رقم الرسم', "Numéro de l'acte", 'Record number'),
      required: true,
      maxLength: 40,
    },
    {
      key: 'record_year',
      type: 'number',
      label: t('سنة التسجيل', "Année d'inscription", 'Year of registration'),
      required: true,
      min: 1900,
      max: 2100,
    },
    {
      key: 'relation',
      type: 'choice',
      label: t('صفة طالب النسخة', 'Qualité du demandeur', 'Who is asking'),
      required: true,
      options: [
        { key: 'self', label: t('صاحب الرسم', "La personne concernée par l'acte", 'The person on the record') },
        { key: 'parent', label: t('الأب أو الأم', 'Le père ou la mère', 'Father or mother') },
        { key: 'spouse', label: t('الزوج أو الزوجة', "L'époux ou l'épouse", 'Spouse') },
        { key: 'child', label: t('الابن أو البنت', 'Le fils ou la fille', 'Son or daughter') },
        { key: 'legal_representative', label: t('النائب الشرعي', 'Le représentant légal', 'Legal representative') },
      ],
    },
  ],
  issuedDocument: { title: t('نسخة موجزة من رسم الولادة', "Extrait d'acte de naissance", 'Extract of a birth certificate') },
  uncertain: sentences(
    t(
      'مبلغ درهمين وأجل التسليم الفوري مأخوذان من نسخة لبطاقة البوابة الوطنية (إدارتي) تحيل على القانون رقم 39.07؛ لم نتحقق من القرار الجبائي لجماعة بركان.',
      "Le montant de 2 dirhams et la délivrance immédiate viennent d'une copie de la fiche du portail national (idarati), qui cite la loi n° 39-07 ; l'arrêté fiscal de la commune de Berkane n'a pas été vérifié.",
      "The 2-dirham amount and the on-the-spot delivery come from a copy of the national portal (idarati) fiche, which cites Law 39-07; the Berkane commune's tax decision was not checked.",
    ),
    t(
      'حل القانون رقم 36.21 محل القانون رقم 37.99؛ لم نتحقق من تاريخ سريان أحكامه المتعلقة بالنسخ ولا من لائحة الأشخاص الذين يحق لهم طلب نسخة.',
      "La loi n° 36-21 remplace la loi n° 37-99 ; la date d'effet de ses dispositions sur les extraits et la liste des personnes autorisées à les demander n'ont pas été vérifiées.",
      'Law 36-21 replaces Law 37-99; when its provisions on extracts took effect, and exactly who may ask for one, were not checked.',
    ),
  ),
};

/** The commune of Berkane's catalog, in the order the portal lists it by default. */
export const BERKANE_PROCEDURES: ProcedureDefinition[] = [
  buildingPermit('small'),
  buildingPermit('large'),
  OCCUPANCY_PERMIT,
  REPAIR_PERMIT,
  DEMOLITION_PERMIT,
  SUBDIVISION,
  HOUSING_GROUP,
  LAND_DIVISION,
  ESTABLISHMENT_CLASS_2,
  ESTABLISHMENT_CLASS_3,
  SHOP_OPERATION,
  PUBLIC_DOMAIN_OCCUPATION,
  SIGNATURE_LEGALIZATION,
  COPY_CERTIFICATION,
  BIRTH_CERTIFICATE_EXTRACT,
];

/**
 * The nine decisions of Decree 2.22.141 Annex 1 on which the commune's silence past the deadline
 * counts as approval, with the fiche codes that implement each (the building permit has one fiche
 * per procedure of the general building regulation, each with its own deadline).
 */
export const SILENCE_APPROVAL_DECISIONS: Record<string, string[]> = {
  class2_establishment_authorization: ['establishment_class2'],
  class3_establishment_declaration: ['establishment_class3'],
  building_permit: ['building_permit_small', 'building_permit_large'],
  subdivision: ['subdivision'],
  housing_group: ['housing_group'],
  land_division: ['land_division'],
  occupancy_permit_or_conformity_certificate: ['occupancy_permit'],
  repair_permit: ['repair_permit'],
  demolition_permit: ['demolition_permit'],
};
