#!/usr/bin/env bash
# Re-validate the example messages with the independent HL7 validator (needs network and Java 17+).
# The gateway's own tests (ExampleMessagesTest) do the same offline with HAPI.
#   curl -L -o validator_cli.jar https://github.com/hapifhir/org.hl7.fhir.core/releases/latest/download/validator_cli.jar
#   schemas/examples/fhir/validate-with-hl7-validator.sh [path/to/validator_cli.jar]
# Expect zero errors for the files here; each file under invalid/ fails with the fragment in its .expected.txt.
# Note: the HL7 validator also tries to verify Bundle.signature; the examples carry placeholder signatures,
# so its signature-verification messages (BUNDLE_SIGNATURE_*) are expected there and are not profile errors.
set -euo pipefail
cd "$(dirname "$0")/../../.."
jar=${1:-validator_cli.jar}
java -jar "$jar" -version 4.0.1 -ig schemas/fhir \
  -profile https://interchange.safeguarding.uk/fhir/StructureDefinition/interchange-message-bundle \
  schemas/examples/fhir/*.json
