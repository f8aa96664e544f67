package uk.safeguarding.interchange.directory;

import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The live directory, reloadable from its file without a restart. Thread-safe: readers take
 * {@link #current()} once per message and use that snapshot throughout.
 */
public final class DirectoryHolder {
    private final Path file;
    private final AtomicReference<Directory> current;

    /** Loads {@code file} now; throws {@link DirectoryException} when it is invalid. */
    public DirectoryHolder(Path file) {
        this.file = Objects.requireNonNull(file, "file");
        this.current = new AtomicReference<>(DirectoryLoader.load(file));
    }

    public Directory current() {
        return current.get();
    }

    /**
     * Reloads the file and swaps it in. On {@link DirectoryException} the previous directory stays in force
     * and the exception propagates.
     */
    public Directory reload() {
        Directory loaded = DirectoryLoader.load(file);
        current.set(loaded);
        return loaded;
    }

    public Path file() {
        return file;
    }
}
