package uk.safeguarding.interchange.intake.soap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import jakarta.jws.WebMethod;
import jakarta.xml.bind.JAXBContext;
import jakarta.xml.bind.Unmarshaller;
import jakarta.xml.bind.UnmarshallerHandler;
import java.lang.reflect.Method;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.wsdl.Binding;
import javax.wsdl.Definition;
import javax.wsdl.Operation;
import javax.wsdl.PortType;
import javax.wsdl.extensions.soap12.SOAP12Binding;
import javax.wsdl.factory.WSDLFactory;
import javax.wsdl.xml.WSDLReader;
import javax.xml.namespace.QName;
import javax.xml.validation.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import uk.safeguarding.interchange.canonical.ExampleFiles;
import uk.safeguarding.interchange.canonical.SecureXml;
import uk.safeguarding.interchange.canonical.xml.PartyEventCode;
import uk.safeguarding.interchange.error.GatewayException;
import uk.safeguarding.interchange.intake.soap.ws.GatewayFault;
import uk.safeguarding.interchange.intake.soap.ws.InterchangePortType;
import uk.safeguarding.interchange.intake.soap.ws.InterchangeService;
import uk.safeguarding.interchange.intake.soap.ws.ObjectFactory;
import uk.safeguarding.interchange.intake.soap.ws.SubmitMessage;

class SoapContractTest {
    private static final String NS = "urn:interchange:soap:v1";
    private static final Schema SOAP_SCHEMA = SecureXml.loadSchema("/schemas/soap/interchange-soap.xsd");
    private static final Set<String> OPERATIONS =
            Set.of("SubmitMessage", "GetMessageStatus", "ListInbox", "FetchMessage", "AcknowledgeMessage");

    static Stream<Path> validExamples() {
        return ExampleFiles.valid("soap");
    }

    static Stream<Path> invalidExamples() {
        return ExampleFiles.invalid("soap");
    }

    @ParameterizedTest
    @MethodSource("validExamples")
    void validExampleValidatesAndBindsToTheGeneratedClasses(Path example) throws Exception {
        Unmarshaller unmarshaller = JAXBContext.newInstance(ObjectFactory.class).createUnmarshaller();
        UnmarshallerHandler handler = unmarshaller.getUnmarshallerHandler();

        SecureXml.parse(ExampleFiles.read(example), SOAP_SCHEMA, handler);

        assertThat(handler.getResult()).isInstanceOfSatisfying(SubmitMessage.class, submit -> {
            assertThat(submit.getEvent()).isNotNull();
            assertThat(submit.getContent()).isNotNull();
        });
    }

    @ParameterizedTest
    @MethodSource("invalidExamples")
    void invalidExampleIsRejectedWithItsExpectedError(Path example) {
        ExampleFiles.Expected expected = ExampleFiles.expected(example);

        GatewayException error = catchThrowableOfType(
                GatewayException.class, () -> SecureXml.parse(ExampleFiles.read(example), SOAP_SCHEMA, null));

        assertThat(error).as("rejection of %s", example).isNotNull();
        assertThat(error.errorCode().code()).isEqualTo(expected.code());
        assertThat(error.getMessage()).contains(expected.fragments());
    }

    @Test
    void everyPartyEventHasASoapExample() throws Exception {
        JAXBContext context = JAXBContext.newInstance(ObjectFactory.class);
        Set<PartyEventCode> covered = validExamples()
                .map(p -> {
                    try {
                        return ((SubmitMessage) context.createUnmarshaller()
                                        .unmarshal(new java.io.ByteArrayInputStream(ExampleFiles.read(p))))
                                .getEvent();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                })
                .collect(Collectors.toSet());

        assertThat(covered).containsExactlyInAnyOrder(PartyEventCode.values());
    }

    @Test
    void wsdlParsesWithFiveOperationsEachWithTheGatewayFault() throws Exception {
        URL wsdl = SoapContractTest.class.getResource("/schemas/soap/interchange.wsdl");
        WSDLReader reader = WSDLFactory.newInstance().newWSDLReader();
        reader.setFeature("javax.wsdl.verbose", false);
        Definition definition = reader.readWSDL(wsdl.toString());

        PortType portType = definition.getPortType(new QName(NS, "InterchangePortType"));
        @SuppressWarnings("unchecked")
        List<Operation> operations = portType.getOperations();
        assertThat(operations).extracting(Operation::getName).containsExactlyInAnyOrderElementsOf(OPERATIONS);
        assertThat(operations).allSatisfy(op -> assertThat(op.getFaults()).containsOnlyKeys("GatewayFault"));

        Binding binding = definition.getBinding(new QName(NS, "InterchangeSoap12Binding"));
        assertThat(binding.getExtensibilityElements()).anySatisfy(e -> assertThat(e)
                .isInstanceOfSatisfying(
                        SOAP12Binding.class, soap -> assertThat(soap.getStyle()).isEqualTo("document")));
        assertThat(definition.getDocumentationElement().getTextContent())
                .contains("BinarySecurityToken", "wsu:Timestamp", "exclusive C14N", "MessageID");
    }

    @Test
    void generatedServiceInterfaceHasTheFiveOperationsAllThrowingGatewayFault() {
        Map<String, Method> methods = Arrays.stream(InterchangePortType.class.getDeclaredMethods())
                .collect(Collectors.toMap(m -> m.getAnnotation(WebMethod.class).operationName(), m -> m));

        assertThat(methods.keySet()).containsExactlyInAnyOrderElementsOf(OPERATIONS);
        assertThat(methods.values())
                .allSatisfy(m -> assertThat(m.getExceptionTypes()).containsExactly(GatewayFault.class))
                .allSatisfy(m -> assertThat(m.getParameterCount()).isEqualTo(1));
        assertThat(methods.get("SubmitMessage").getParameterTypes()).containsExactly(SubmitMessage.class);
        assertThat(InterchangeService.WSDL_LOCATION).isNotNull();
    }

    @Test
    void soapAndCanonicalSchemasShareTheBusinessContentTextually() throws Exception {
        assertThat(sharedBlock(Path.of("schemas/soap/interchange-soap.xsd")))
                .isEqualTo(sharedBlock(Path.of("schemas/canonical/interchange-canonical.xsd")));
    }

    private static String sharedBlock(Path xsd) throws Exception {
        String text = Files.readString(xsd, StandardCharsets.UTF_8);
        int begin = text.indexOf('\n', text.indexOf("<!-- BEGIN SHARED BUSINESS CONTENT"));
        int end = text.indexOf("<!-- END SHARED BUSINESS CONTENT -->");
        assertThat(begin).as("BEGIN marker in %s", xsd).isPositive();
        assertThat(end).as("END marker in %s", xsd).isGreaterThan(begin);
        return text.substring(begin, end);
    }
}
