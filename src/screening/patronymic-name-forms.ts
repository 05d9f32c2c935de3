/**
 * English and Welsh surnames made from a father's given name with the genitive -s ("son of"): Williams from William,
 * Owens from Owen, Roberts, Edwards, Peters, Stephens, Matthews, Andrews. The surname and the given name it comes
 * from are different names borne by different families ("William Owen" is not "William Owens"), not one name with a
 * letter dropped, so they are no token match for a person's name.
 *
 * Only a name ending in a consonant (w included) takes this -s. A name ending in a vowel and the same name with -s
 * are the one name in two languages (Carlo / Carlos, Marco / Marcos, Andrea / Andreas, Nicola / Nicolas), which
 * stay matched; so do names of three letters or fewer.
 */

const MIN_NAME = 4;

/** Whether `b` is the -s patronymic of the given name `a`. */
function patronymicOf(a: string, b: string): boolean {
  return a.length >= MIN_NAME && b === `${a}s` && !/[aeiouy]$/.test(a);
}

/** Whether two words of a person's name are a given name and the surname made from it with -s. */
export function patronymicForms(a: string, b: string): boolean {
  return patronymicOf(a, b) || patronymicOf(b, a);
}
