package uk.safeguarding.interchange.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import uk.safeguarding.interchange.canonical.CanonicalToFhir;
import uk.safeguarding.interchange.canonical.CanonicalXml;
import uk.safeguarding.interchange.canonical.xml.Binding;
import uk.safeguarding.interchange.canonical.xml.InterchangeMessage;
import uk.safeguarding.interchange.intake.fhir.FhirToCanonical;
import uk.safeguarding.interchange.intake.soap.SoapToCanonical;

/** Spec §4: the same message over FHIR and over SOAP translates to the same canonical document, for every event. */
class CrossBindingEquivalenceTest {
    static final List<TranslationFixtures.Example> EXAMPLES = TranslationFixtures.EXAMPLES;
    private static final CanonicalXml CANONICAL = new CanonicalXml();

    @ParameterizedTest
    @FieldSource("EXAMPLES")
    void fhirAndSoapExamplesTranslateToTheSameCanonicalDocument(TranslationFixtures.Example example) {
        InterchangeMessage fromFhir = new FhirToCanonical()
                .translate(TranslationFixtures.fhir(example.fhirFile()), example.facts(Binding.FHIR));
        InterchangeMessage fromSoap = new SoapToCanonical()
                .translate(TranslationFixtures.soap(example.soapFile()), example.facts(Binding.SOAP));

        String fhirXml = xml(fromFhir);
        String soapXml = xml(fromSoap);
        assertThat(fhirXml).contains("<binding>fhir</binding>");
        assertThat(soapXml).contains("<binding>soap</binding>");

        // Ignore only what differs by construction: the binding and the signature evidence.
        fromFhir.getEnvelope().setBinding(Binding.SOAP);
        fromFhir.getEnvelope().setSignature(fromSoap.getEnvelope().getSignature());
        assertThat(xml(fromFhir)).isEqualTo(xml(fromSoap));
    }

    @ParameterizedTest
    @FieldSource("EXAMPLES")
    void businessContentEqualsTheCanonicalExample(TranslationFixtures.Example example) throws Exception {
        InterchangeMessage expected = CANONICAL.unmarshal(Files.readAllBytes(example.canonicalFile()));
        InterchangeMessage fromFhir = new FhirToCanonical()
                .translate(TranslationFixtures.fhir(example.fhirFile()), example.facts(Binding.FHIR));

        // The canonical examples show messages after routing (recipients, directory names): compare the content.
        fromFhir.setEnvelope(expected.getEnvelope());
        assertThat(xml(fromFhir)).isEqualTo(xml(expected));
    }

    @ParameterizedTest
    @FieldSource("EXAMPLES")
    void fhirRoundTripThroughCanonicalIsStable(TranslationFixtures.Example example) {
        InterchangeMessage first = new FhirToCanonical()
                .translate(TranslationFixtures.fhir(example.fhirFile()), example.facts(Binding.FHIR));
        var bundle = new CanonicalToFhir().toBundle(first);
        InterchangeMessage second = new FhirToCanonical().translate(bundle, example.facts(Binding.FHIR));

        assertThat(xml(second)).isEqualTo(xml(first));
    }

    private static String xml(InterchangeMessage message) {
        return new String(CANONICAL.marshal(message), StandardCharsets.UTF_8);
    }
}
