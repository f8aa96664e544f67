package uk.safeguarding.interchange.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PostcodeTablesTest {
    private static final PostcodeLookup DEV = PostcodeTables.loadTable(Path.of("config/postcode-la.csv"));

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "SP10 1AB, 850", // Andover: the dev family's home
        "SP101AB, 850",
        "sp10 1ab, 850",
        "SO23 8UJ, 850",
        "SO50 9AA, 850",
        "BH1 1AA, 839",
        "BH23 1AA, 839",
        "DT1 1AA, 835",
        "BH31 6AA, 835", // the sector entry wins over the district's
        "BH24 1AA, 850",
    })
    void devTableResolvesTheDevOrganisationsAreas(String postcode, String la) {
        assertThat(DEV.laFor(postcode)).contains(la);
    }

    @ParameterizedTest
    @CsvSource({"SW1A 1AA", "not a postcode", "''"})
    void unknownOrMalformedPostcodesResolveToNothing(String postcode) {
        assertThat(DEV.laFor(postcode)).isEmpty();
    }

    @Test
    void theMostSpecificEntryWins() throws Exception {
        Path table = Files.writeString(tmp.resolve("t.csv"), "postcode,la\nBH31,850\nBH31 6,835\nBH31 6ZZ,839\n");

        PostcodeLookup lookup = PostcodeTables.loadTable(table);

        assertThat(lookup.laFor("BH31 1AA")).contains("850");
        assertThat(lookup.laFor("BH31 6AA")).contains("835");
        assertThat(lookup.laFor("BH31 6ZZ")).contains("839");
    }

    @Test
    void rejectsAMalformedLineNamingFileAndLine() throws Exception {
        Path table = Files.writeString(tmp.resolve("bad.csv"), "postcode,la\nSP10,850\nSP11,85\n");

        assertThatThrownBy(() -> PostcodeTables.loadTable(table))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad.csv:3");
    }

    @Test
    void loadsTheOnsPostcodeDirectoryMappingGssCodesToDfeLaCodes() {
        PostcodeLookup ons = PostcodeTables.loadOns(
                Path.of("src/test/resources/ons/onspd-sample.csv"), Path.of("config/ons-la-codes.csv"));

        // Hampshire is two-tier: the district (E07...) is not mapped, the county E10000014 is.
        assertThat(ons.laFor("SP10 1AB")).contains("850");
        assertThat(ons.laFor("SO23 1AA")).contains("850");
        assertThat(ons.laFor("BH1 3CD")).contains("839");
        assertThat(ons.laFor("DT1 1AA")).contains("835");
        assertThat(ons.laFor("BH31 1AA")).contains("835");
        // Terminated postcodes and areas the mapping does not list are skipped; no district fallback for ONS.
        assertThat(ons.laFor("BH31 1ZZ")).isEmpty();
        assertThat(ons.laFor("SW1A 1AA")).isEmpty();
        assertThat(ons.laFor("SP10 1AA")).isEmpty();
        assertThat(ons.size()).isEqualTo(5);
    }

    @Test
    void onsFileWithoutPostcodeColumnIsRejected() throws Exception {
        Path file = Files.writeString(tmp.resolve("ons.csv"), "\"x\",\"oslaua\"\n\"a\",\"E06000058\"\n");

        assertThatThrownBy(() -> PostcodeTables.loadOns(file, Path.of("config/ons-la-codes.csv")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pcds");
    }
}
