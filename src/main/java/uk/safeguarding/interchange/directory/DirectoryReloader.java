package uk.safeguarding.interchange.directory;

import java.io.IOException;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the directory when its file's content changes (called periodically by routes/directory-reload.yaml): an
 * invalid file is logged and the previous directory stays in force until the file is fixed. Thread-safe.
 */
public final class DirectoryReloader {
    private static final Logger log = LoggerFactory.getLogger(DirectoryReloader.class);

    private final DirectoryHolder holder;
    private byte[] lastDigest;
    private byte[] lastRejected;

    public DirectoryReloader(DirectoryHolder holder) {
        this.holder = Objects.requireNonNull(holder);
        this.lastDigest = digest().orElse(null);
    }

    /** Reloads if the file changed since the last successful load; returns true when a new directory is in force. */
    public synchronized boolean reloadIfChanged() {
        byte[] now = digest().orElse(null);
        if (now == null || Arrays.equals(now, lastDigest) || Arrays.equals(now, lastRejected)) {
            return false;
        }
        try {
            Directory loaded = holder.reload();
            lastDigest = now;
            lastRejected = null;
            log.info(
                    "Directory reloaded from {}: {} organisations",
                    holder.file(),
                    loaded.organisations().size());
            return true;
        } catch (DirectoryException e) {
            lastRejected = now;
            log.error(
                    "The changed directory file was rejected; the previous directory stays in force: {}",
                    e.getMessage());
            return false;
        }
    }

    private java.util.Optional<byte[]> digest() {
        try {
            return java.util.Optional.of(
                    MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(holder.file())));
        } catch (IOException e) {
            log.warn("Cannot read the directory file {}: {}", holder.file(), e.toString());
            return java.util.Optional.empty();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
