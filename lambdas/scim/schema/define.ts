/**
 * Builders for attribute definitions. Every definition carries every RFC 7643 §2.2 characteristic
 * explicitly (that is what /Schemas serves); these helpers only fill in the RFC's stated defaults so the
 * schema files read like the RFC's §8.7.1 listings. Descriptions live in descriptions.ts.
 */
import type { AttributeDefinition, AttributeType } from './types';

type Characteristics = Partial<Omit<AttributeDefinition, 'name' | 'type'>>;

/** RFC 7643 §2.2: "required" false, "caseExact" false, "mutability" readWrite, "returned" default, "uniqueness" none. */
export const attribute = (
  name: string,
  type: AttributeType,
  characteristics: Characteristics = {},
): AttributeDefinition => ({
  name,
  type,
  multiValued: false,
  required: false,
  caseExact: false,
  mutability: 'readWrite',
  returned: 'default',
  uniqueness: 'none',
  ...characteristics,
});

export const stringAttribute = (name: string, characteristics: Characteristics = {}): AttributeDefinition =>
  attribute(name, 'string', characteristics);

export const complexAttribute = (
  name: string,
  subAttributes: readonly AttributeDefinition[],
  characteristics: Characteristics = {},
): AttributeDefinition => attribute(name, 'complex', { ...characteristics, subAttributes });

/**
 * The RFC 7643 §2.4 shape shared by emails, phoneNumbers, ims, photos, entitlements, roles and
 * x509Certificates: value, display, type, primary.
 */
export const multiValuedWithType = (
  name: string,
  options: {
    readonly valueType?: AttributeType;
    readonly referenceTypes?: readonly string[];
    readonly typeCanonicalValues?: readonly string[];
  } = {},
): AttributeDefinition =>
  complexAttribute(
    name,
    [
      attribute('value', options.valueType ?? 'string', {
        ...(options.referenceTypes ? { referenceTypes: options.referenceTypes } : {}),
      }),
      stringAttribute('display', { mutability: 'readWrite' }),
      stringAttribute('type', {
        ...(options.typeCanonicalValues ? { canonicalValues: options.typeCanonicalValues } : {}),
      }),
      attribute('primary', 'boolean'),
    ],
    { multiValued: true },
  );
