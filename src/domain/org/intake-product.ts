import { fieldError, type FieldError } from '../intake/field-error.ts';
import { normaliseIntake, type NormalisedIntake, type NormaliseOptions } from '../intake/normalise-lead.ts';
import { err, ok, type Result } from '../shared/result.ts';
import type { CompiledOrg } from './compiled-org.ts';

/**
 * docs/intake.md "Product": a lead sent without a product gets the org's defaultProduct where that product is
 * unregulated (a SaaS team routes by rules, not by product). A regulated line needs the product the prospect asked
 * for: a licence check on a guessed product would prove nothing, so there it stays required.
 */
function intakeProductFor(org: CompiledOrg): (jurisdiction: string) => Result<string, FieldError> {
  return (jurisdiction) => {
    const id = org.config.defaultProduct;
    const product = id === undefined ? undefined : org.products.get(id);
    if (!product) {
      const why = org.regulation.declared ? 'the org has no defaultProduct' : 'the org declares no regulation: every line is regulated';
      return err(fieldError('/product', 'product_required', `required (${why})`));
    }
    const licensing = org.regulation.licensing(product.productLines, jurisdiction);
    if (licensing.status === 'checked')
      return err(
        fieldError('/product', 'product_required', `required for regulated ${product.productLines.join(', ')} in ${jurisdiction}`),
      );
    return ok(product.id);
  };
}

/**
 * The one intake path every source shares (API, forms, CSV import, `remit route --lead`): normalise the payload
 * for this org — its default country and product, then a product it must define — with the same field-level errors
 * everywhere.
 */
export function normaliseIntakeFor(
  org: CompiledOrg,
  raw: unknown,
  options: Omit<NormaliseOptions, 'productFor'>,
): Result<NormalisedIntake, FieldError[]> {
  const defaultCountry = options.defaultCountry ?? org.config.defaultCountry;
  const normalised = normaliseIntake(raw, {
    ...options,
    ...(defaultCountry !== undefined ? { defaultCountry } : {}),
    productFor: intakeProductFor(org),
  });
  if (!normalised.ok) return normalised;
  const product = normalised.value.lead.product;
  if (!org.products.has(product)) {
    const known = [...org.products.keys()].slice(0, 20).join(', ');
    return err([{ path: '/product', code: 'unknown_product', message: `unknown product "${product}" (known: ${known})` }]);
  }
  return withCustomerType(org, raw, normalised.value);
}

/**
 * docs/routing.md "Customer types": a lead that names no customer type gets the org's first (retail without a
 * customerTypes list, as before); a named type must be one of the org's.
 */
function withCustomerType(org: CompiledOrg, raw: unknown, n: NormalisedIntake): Result<NormalisedIntake, FieldError[]> {
  const declared = org.config.customerTypes;
  if (!declared) return ok(n);
  const given = (raw as { customer?: { classification?: { category?: unknown } } }).customer?.classification?.category;
  const category = n.lead.customer.classification.category;
  if (given === undefined) {
    const customer = { ...n.lead.customer, classification: { ...n.lead.customer.classification, category: declared[0]! } };
    return ok({ ...n, lead: { ...n.lead, customer } });
  }
  if (declared.includes(category)) return ok(n);
  return err([
    fieldError(
      '/customer/classification/category',
      'unknown_customer_type',
      `unknown customer type "${category}" (known: ${declared.join(', ')})`,
    ),
  ]);
}
