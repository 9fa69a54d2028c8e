package io.github.tapegrad.samples.data;

import java.io.IOException;

/** An IDX file that is not what it claims to be; the message names the file and the expected and actual values. */
public final class IdxFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public IdxFormatException(String message) {
        super(message);
    }

    public IdxFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
