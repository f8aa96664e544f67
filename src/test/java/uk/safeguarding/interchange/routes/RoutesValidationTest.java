package uk.safeguarding.interchange.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every file in routes/ is valid Camel YAML DSL and creates real routes; broken files are caught. */
class RoutesValidationTest {
    private static final Path ROUTES = Path.of("routes");

    @TempDir
    Path tmp;

    @Test
    void everyRouteFileMatchesTheYamlDslSchema() throws Exception {
        List<Path> files = RouteFiles.inDirectory(ROUTES);
        assertThat(files).isNotEmpty();
        for (Path file : files) {
            assertThat(RouteFiles.schemaErrors(file)).as(file.toString()).isEmpty();
        }
    }

    @Test
    void everyRouteFileCreatesRoutesWithTheGatewaysBeans() throws Exception {
        List<Path> files = RouteFiles.inDirectory(ROUTES);

        assertThat(RouteFiles.createRoutes(files)).isGreaterThanOrEqualTo(files.size());
    }

    @Test
    void rejectsFileWithUnknownDslKey() throws Exception {
        Path broken = write(
                "broken-key.yaml",
                """
                - route:
                    id: broken
                    from:
                      uri: direct:in
                      steps:
                        - tooo:
                            uri: log:x
                """);

        assertThat(RouteFiles.schemaErrors(broken)).isNotEmpty();
    }

    @Test
    void rejectsRouteWithUnknownComponent() throws Exception {
        Path broken = write(
                "unknown-component.yaml",
                """
                - route:
                    id: unknown-component
                    from:
                      uri: direct:in
                      steps:
                        - to:
                            uri: nosuchcomponent:thing
                """);

        assertThat(RouteFiles.schemaErrors(broken)).isEmpty();
        assertThatThrownBy(() -> RouteFiles.createRoutes(List.of(broken))).hasStackTraceContaining("nosuchcomponent");
    }

    @Test
    void rejectsRouteWithUnknownBean() throws Exception {
        Path broken = write(
                "unknown-bean.yaml",
                """
                - route:
                    id: unknown-bean
                    from:
                      uri: direct:in
                      steps:
                        - bean:
                            ref: noSuchBean
                            method: check
                """);

        assertThat(RouteFiles.schemaErrors(broken)).isEmpty();
        assertThatThrownBy(() -> RouteFiles.createRoutes(List.of(broken))).hasStackTraceContaining("noSuchBean");
    }

    private Path write(String name, String yaml) throws Exception {
        Path file = tmp.resolve(name);
        Files.writeString(file, yaml);
        return file;
    }
}
