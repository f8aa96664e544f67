package uk.safeguarding.interchange.intake.fhir;

import ca.uhn.fhir.model.api.annotation.DatatypeDef;
import java.util.Base64;
import org.hl7.fhir.r4.model.Base64BinaryType;

/**
 * HAPI's {@code base64Binary} with the JDK's codec. HAPI's own type decodes with commons-codec and encodes the bytes
 * back; for a sender's ~5 KB {@code Bundle.signature.data} the stage benchmark {@code fhirParse} took 219-244 µs with
 * it and 148-178 µs with this type (docs/performance.md section 26). HAPI's validity check ({@code checkValidBase64})
 * is inherited unchanged. The JDK's decoder accepts only canonical base64 (padding optional), which commons-codec
 * decodes to the same bytes; anything else HAPI's check lets through (whitespace, odd lengths) is decoded by
 * commons-codec as before ({@code JdkBase64BinaryTypeTest} compares both over 50 000 strings). The encoding is the
 * same (standard alphabet, padded, no line breaks). {@link FhirEncoding} uses it for {@code Bundle.signature.data}.
 * Declared a specialisation, so HAPI's context still maps {@code base64Binary} to HAPI's own type.
 */
@DatatypeDef(name = "base64Binary", isSpecialization = true)
public final class JdkBase64BinaryType extends Base64BinaryType {
    private static final long serialVersionUID = 1L;

    @Override
    protected byte[] parse(String value) {
        if (value == null) {
            return super.parse(null);
        }
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            return super.parse(value);
        }
    }

    @Override
    protected String encode(byte[] value) {
        return value == null ? super.encode(null) : Base64.getEncoder().encodeToString(value);
    }

    @Override
    public JdkBase64BinaryType copy() {
        JdkBase64BinaryType copy = new JdkBase64BinaryType();
        copy.setValue(getValue());
        copyValues(copy);
        return copy;
    }
}
