package uk.safeguarding.interchange;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Keeps the domain free of transport types: beans decide, routes and servlets wire. */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("uk.safeguarding.interchange");
    }

    @Test
    void domainPackagesDoNotDependOnTransports() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "..canonical..",
                        "..directory..",
                        "..trust..",
                        "..routing..",
                        "..ledger..",
                        "..audit..",
                        "..error..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.apache.camel..",
                        "jakarta.servlet..",
                        "org.eclipse.jetty..",
                        "org.apache.cxf..",
                        "jakarta.jms..",
                        "org.apache.activemq..")
                .allowEmptyShould(true)
                .check(classes);
    }
}
