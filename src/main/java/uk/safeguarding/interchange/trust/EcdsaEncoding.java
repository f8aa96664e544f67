package uk.safeguarding.interchange.trust;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.Arrays;

/** Converts P-256 ECDSA signatures between JWS form (R || S, 32 bytes each) and the JCA's DER form. */
final class EcdsaEncoding {
    private static final int SCALAR = 32;

    private EcdsaEncoding() {}

    static byte[] rawToDer(byte[] raw) {
        if (raw.length != 2 * SCALAR) {
            throw new IllegalArgumentException("An ES256 signature is 64 bytes");
        }
        byte[] r = new BigInteger(1, Arrays.copyOfRange(raw, 0, SCALAR)).toByteArray();
        byte[] s = new BigInteger(1, Arrays.copyOfRange(raw, SCALAR, 2 * SCALAR)).toByteArray();
        // At most 2 + 33 + 2 + 33 = 70 bytes, so every DER length fits one byte.
        ByteArrayOutputStream der = new ByteArrayOutputStream(72);
        der.write(0x30);
        der.write(4 + r.length + s.length);
        der.write(0x02);
        der.write(r.length);
        der.writeBytes(r);
        der.write(0x02);
        der.write(s.length);
        der.writeBytes(s);
        return der.toByteArray();
    }

    static byte[] derToRaw(byte[] der) {
        if (der.length < 8 || der[0] != 0x30 || (der[1] & 0xFF) != der.length - 2 || der[2] != 0x02) {
            throw new IllegalArgumentException("Not a DER ECDSA signature");
        }
        int rLength = der[3];
        int sTag = 4 + rLength;
        if (rLength <= 0 || sTag + 2 > der.length || der[sTag] != 0x02) {
            throw new IllegalArgumentException("Not a DER ECDSA signature");
        }
        int sLength = der[sTag + 1];
        if (sLength <= 0 || sTag + 2 + sLength != der.length) {
            throw new IllegalArgumentException("Not a DER ECDSA signature");
        }
        byte[] raw = new byte[2 * SCALAR];
        copyScalar(der, 4, rLength, raw, 0);
        copyScalar(der, sTag + 2, sLength, raw, SCALAR);
        return raw;
    }

    private static void copyScalar(byte[] der, int offset, int length, byte[] raw, int rawOffset) {
        BigInteger value = new BigInteger(1, Arrays.copyOfRange(der, offset, offset + length));
        if (value.bitLength() > 8 * SCALAR) {
            throw new IllegalArgumentException("ECDSA scalar longer than 32 bytes");
        }
        byte[] bytes = value.toByteArray();
        int start = bytes.length > SCALAR ? 1 : 0;
        int count = bytes.length - start;
        System.arraycopy(bytes, start, raw, rawOffset + SCALAR - count, count);
    }
}
