package uk.safeguarding.interchange.intake.fhir;

import uk.safeguarding.interchange.intake.Submission;

/**
 * A message ready for durable acceptance: the submission (canonical XML inside) plus what the reply needs.
 *
 * @param headerId the request's MessageHeader.id (echoed in MessageHeader.response.identifier), or null
 * @param format the request's format, which the reply uses
 */
public record TranslatedMessage(Submission submission, String headerId, FhirFormat format) {}
