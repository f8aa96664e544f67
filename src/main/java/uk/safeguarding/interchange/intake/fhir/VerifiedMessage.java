package uk.safeguarding.interchange.intake.fhir;

import java.time.Instant;
import uk.safeguarding.interchange.trust.ValidatedCertificate;
import uk.safeguarding.interchange.trust.VerifiedSignature;

/** A parsed message whose signature verified and whose signer certificate validated at the signing time and now. */
public record VerifiedMessage(
        ParsedMessage parsed, VerifiedSignature signature, ValidatedCertificate signer, Instant signingTime) {}
