/** Public API of the sanctions/PEP screening library. */
export type {
  BirthDate,
  EntityIdentifier,
  EntityKind,
  EntityName,
  ListSourceType,
  ListVersion,
  LoadedList,
  NameType,
  PartialDate,
  ScreeningEntity,
} from './screening-entity.ts';
export { LIST_SOURCE_TYPES, listCategory, type ListCategory } from './screening-entity.ts';
export { ListLoadError, isListLoadError } from './list-error.ts';
export { detectListType, loadList, loadListAs, parseListSpec, type ListSpec, type LoadOptions } from './list-detect.ts';
export { loadOfacSdn, resolveOfacFiles } from './ofac-sdn-loader.ts';
export { loadUnXml } from './un-xml-loader.ts';
export { loadFtmJsonl } from './ftm-jsonl-loader.ts';
export { loadOsSimpleCsv } from './opensanctions-simple-csv-loader.ts';
export { loadSenzingJsonl } from './senzing-jsonl-loader.ts';
export { loadBlocklistCsv, BLOCKLIST_COLUMNS } from './blocklist-csv-loader.ts';
export {
  compareNames,
  DEFAULT_THRESHOLD,
  DEFAULT_CORROBORATION,
  type CompareNamesResult,
  type FieldEffect,
  type NameExplanation,
  type ScreeningHit,
  type ScreeningQuery,
} from './matcher.ts';
export { DEFAULT_COMPARE_PARAMS, type NameCompareParams, type TokenMatch } from './name-compare.ts';
export { normaliseName, nameAlternatives, type NormalisedName, type NameToken, type NameSchema } from './name-normaliser.ts';
export { transliterate } from './transliterate.ts';
export { jaroWinkler } from './jaro-winkler.ts';
export { phoneticKey } from './phonetic-key.ts';
export { NameIndex } from './name-index.ts';
export { screenIndex, type ScreenOptions, type ScreenResult } from './screening-engine.ts';
export {
  disposeHit,
  HIT_DISPOSITION_REASONS,
  type HitDisposition,
  type HitDispositionKind,
  type HitDispositionReason,
  type ReviewPriority,
} from './hit-disposition.ts';
export { ScreeningService, type ReloadResult, type ScreeningCoverage, type WithheldSource } from './screening-service.ts';
export {
  DEFAULT_MAX_SHRINK_FRACTION,
  ListSourceCatalogue,
  ListSourcesFileSchema,
  loadListSource,
  shrinksTooMuch,
  type ListSource,
  type ListSourcesFile,
} from './list-sources.ts';
export { screenPeopleCsv, scorePairsCsv, BatchInputError, PEOPLE_COLUMNS } from './batch-screen.ts';
