package uk.safeguarding.interchange.directory;

/**
 * The directory file is unreadable or invalid. The message names the file and the offending entry; it holds
 * configuration only, never personal data.
 */
public final class DirectoryException extends RuntimeException {
    public DirectoryException(String message) {
        super(message);
    }

    public DirectoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
