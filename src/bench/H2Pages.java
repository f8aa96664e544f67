import java.io.Writer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreTool;

/**
 * What each table and index of an embedded H2 database costs its commits: the bytes of the pages each B-tree map
 * wrote in the last chunks of the file (one chunk per commit with WRITE_DELAY=0), by map, named by table or index.
 * Run on a COPY of the file taken while the gateway runs (a gracefully stopped gateway compacts the file, which
 * leaves no commit chunks): `./gateway bench h2-pages COPY.mv.db [CHUNKS]` (docs/performance.md, section 13).
 */
public final class H2Pages {
    private static final Pattern CHUNK = Pattern.compile("chunkHeader chunk:([0-9a-f]+),");
    private static final Pattern PAGE = Pattern.compile("^\\+[0-9a-f]+ (node|leaf), map ([0-9a-f]+), .*?, (\\d+) bytes");

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || !args[0].endsWith(".mv.db")) {
            System.err.println("usage: H2Pages COPY.mv.db [CHUNKS (default 150)]");
            System.exit(2);
        }
        String file = args[0];
        int last = args.length > 1 ? Integer.parseInt(args[1]) : 150;

        // chunk id -> map id -> {bytes, pages}; the dump is read line by line as H2 writes it (a copy of a gateway
        // that ran for minutes holds gigabytes of chunks: the dump as one string would not fit in the heap)
        TreeMap<Long, Map<String, long[]>> chunks = new TreeMap<>();
        DumpReader dump = new DumpReader(chunks);
        boolean torn = false;
        try {
            MVStoreTool.dump(file, dump, true);
        } catch (RuntimeException e) {
            // A copy of a running gateway's file can end inside a chunk being written: use the chunks before it.
            torn = true;
        }
        if (torn && !chunks.isEmpty()) {
            chunks.pollLastEntry();
            System.out.printf("The copy holds a chunk that was being written when it was taken: read the %d chunks"
                    + " before it in the file only (H2 reuses free space, so they need not be the latest). Take"
                    + " another copy for the latest commits.%n", chunks.size());
        }

        Map<String, String> mapNames = new HashMap<>(); // map id (hex) -> "table.N" / "index.N"
        MVStore store = new MVStore.Builder().fileName(file).readOnly().open();
        try {
            store.getMetaMap().forEach((key, value) -> {
                if (key.startsWith("name.")) {
                    mapNames.put(value, key.substring(5));
                }
            });
            // What H2 keeps per chunk until housekeeping retires it (decision 0012, section 30): an entry in its
            // chunk layout and an object in the heap.
            Map<String, String> info = new HashMap<>();
            store.getFileStore().populateInfo(info::put);
            long layoutBytes = store.getFileStore().getLayoutMap().entrySet().stream()
                    .mapToLong(e -> e.getKey().length() + e.getValue().length())
                    .sum();
            System.out.printf(
                    "H2 keeps %s chunks, %s %% of their bytes live; its chunk layout holds %.1f MB%n",
                    info.get("info.CHUNK_COUNT"),
                    info.get("info.CHUNKS_FILL_RATE"),
                    layoutBytes / 1e6);
        } finally {
            store.close();
        }
        mapNames.put("0", "(H2 chunk layout)");
        mapNames.put("1", "(H2 meta)");

        Map<String, String> objects = new HashMap<>(); // "table.N" -> table name
        String url = "jdbc:h2:" + file.substring(0, file.length() - ".mv.db".length())
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;ACCESS_MODE_DATA=r";
        try (Connection c = DriverManager.getConnection(url, "sa", "");
                Statement s = c.createStatement()) {
            for (String[] kind : List.of(new String[] {"TABLE", "table_name", "tables"}, new String[] {
                "INDEX", "index_name", "indexes"
            })) {
                try (ResultSet rs = s.executeQuery("SELECT " + kind[1] + ", DB_OBJECT_ID('" + kind[0] + "', 'public', "
                        + kind[1] + ") FROM information_schema." + kind[2] + " WHERE table_schema = 'public'")) {
                    while (rs.next()) {
                        objects.put(kind[0].toLowerCase() + "." + rs.getInt(2), rs.getString(1));
                    }
                }
            }
        }

        List<Long> selected = List.copyOf(chunks.keySet()).subList(Math.max(0, chunks.size() - last), chunks.size());
        Map<String, long[]> total = new HashMap<>();
        long all = 0;
        for (long id : selected) {
            for (Map.Entry<String, long[]> e : chunks.get(id).entrySet()) {
                long[] sum = total.computeIfAbsent(e.getKey(), m -> new long[2]);
                sum[0] += e.getValue()[0];
                sum[1] += e.getValue()[1];
                all += e.getValue()[0];
            }
        }
        int n = selected.size();
        long bytes = all;
        System.out.printf(
                "%d chunks (commits %d to %d), %.1f KiB of pages per chunk%n",
                n,
                selected.get(0),
                selected.get(n - 1),
                bytes / 1024.0 / n);
        total.entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]))
                .forEach(e -> {
                    String map = mapNames.getOrDefault(e.getKey(), "map " + e.getKey());
                    System.out.printf(
                            "%5.1f %%  %6.1f KiB  %4.1f pages per chunk  %s%n",
                            100.0 * e.getValue()[0] / bytes,
                            e.getValue()[0] / 1024.0 / n,
                            (double) e.getValue()[1] / n,
                            objects.getOrDefault(map, map));
                });
    }

    /** Sums, per chunk and map, the bytes and pages of the page lines of {@link MVStoreTool#dump}'s output. */
    private static final class DumpReader extends Writer {
        private final TreeMap<Long, Map<String, long[]>> chunks;
        private final StringBuilder line = new StringBuilder();
        private Map<String, long[]> current;

        DumpReader(TreeMap<Long, Map<String, long[]>> chunks) {
            this.chunks = chunks;
        }

        @Override
        public void write(char[] buffer, int offset, int length) {
            for (int i = offset; i < offset + length; i++) {
                if (buffer[i] == '\n') {
                    read(line.toString());
                    line.setLength(0);
                } else {
                    line.append(buffer[i]);
                }
            }
        }

        private void read(String text) {
            Matcher chunk = CHUNK.matcher(text);
            if (chunk.find()) {
                current = chunks.computeIfAbsent(Long.parseLong(chunk.group(1), 16), c -> new HashMap<>());
                return;
            }
            Matcher page = PAGE.matcher(text);
            if (current != null && page.find()) {
                long[] sum = current.computeIfAbsent(page.group(2), m -> new long[2]);
                sum[0] += Long.parseLong(page.group(3));
                sum[1]++;
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }
}
