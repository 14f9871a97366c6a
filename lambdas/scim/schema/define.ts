/**
 * Builders for attribute definitions. Every definition carries every RFC 7643 §2.2 characteristic
 * explicitly (that is what /Schemas serves); these helpers only fill in the RFC's stated defaults so the
 * schema files read like the RFC's §8.7.1 listings.
 */
import type { AttributeDefinition, AttributeType } from './types';

type Characteristics = Partial<Omit<AttributeDefinition, 'name' | 'type' | 'description'>>;

/** RFC 7643 §2.2: "required" false, "caseExact" false, "mutability" readWrite, "returned" default, "uniqueness" none. */
export const attribute = (
  name: string,
  type: AttributeType,
  description: string,
  characteristics: Characteristics = {},
): AttributeDefinition => ({
  name,
  type,
  multiValued: false,
  description,
  required: false,
  caseExact: false,
  mutability: 'readWrite',
  returned: 'default',
  uniqueness: 'none',
  ...characteristics,
});

export const stringAttribute = (
  name: string,
  description: string,
  characteristics: Characteristics = {},
): AttributeDefinition => attribute(name, 'string', description, characteristics);

export const complexAttribute = (
  name: string,
  description: string,
  subAttributes: readonly AttributeDefinition[],
  characteristics: Characteristics = {},
): AttributeDefinition => attribute(name, 'complex', description, { ...characteristics, subAttributes });

/**
 * The RFC 7643 §2.4 shape shared by emails, phoneNumbers, ims, photos, entitlements, roles and
 * x509Certificates: value, display, type, primary.
 */
export const multiValuedWithType = (
  name: string,
  description: string,
  options: {
    readonly valueType?: AttributeType;
    readonly valueDescription: string;
    readonly referenceTypes?: readonly string[];
    readonly typeCanonicalValues?: readonly string[];
  },
): AttributeDefinition =>
  complexAttribute(
    name,
    description,
    [
      attribute('value', options.valueType ?? 'string', options.valueDescription, {
        ...(options.referenceTypes ? { referenceTypes: options.referenceTypes } : {}),
      }),
      stringAttribute('display', 'A human-readable name, primarily used for display purposes.', {
        mutability: 'readWrite',
      }),
      stringAttribute('type', `A label indicating the attribute's function.`, {
        ...(options.typeCanonicalValues ? { canonicalValues: options.typeCanonicalValues } : {}),
      }),
      attribute(
        'primary',
        'boolean',
        `A Boolean value indicating the 'primary' or preferred attribute value for this attribute. The primary attribute value 'true' MUST appear no more than once.`,
      ),
    ],
    { multiValued: true },
  );
