//! What `awsgen help` and `COMMAND --help` print: one text per command,
//! written by hand so each reads as a page of a manual.

/// The overview: `awsgen --help`, or a mistake without a command.
pub const OVERVIEW: &str = "\
awsgen: Rust crates from Smithy 2.0 models of AWS-style APIs

usage: awsgen [--verbose] COMMAND [FLAGS]

commands:
  generate     write a crate (types, validators, a service trait and routers) from a spec
  check        check a spec, and whether a generated crate is up to date; write nothing
  import       bring a service's model (Smithy, or botocore's JSON) into a spec directory
  sweep        run every model under a directory through the generator (and the compiler)
  openapi      write an OpenAPI 3.1 document for each restJson1 service of a spec
  conformance  run Smithy's protocol and validation suites (in a clone of awsgen)

flags for every command:
  -v, --verbose  print every warning, not only their count by kind
  -h, --help     print the command's help

`awsgen help COMMAND` prints a command's help; `awsgen --version` the version.

exit status:
  0  done
  1  the work found problems: errors in a spec, a stale crate, a model or case
     that fails
  2  the command line is wrong (the message says what, and the usage follows)
  3  a file could not be read or written, or a program (cargo) could not run";

/// The help of `command`, one of [`crate::flags::COMMANDS`].
pub fn of(command: &str) -> &'static str {
    match command {
        "generate" => GENERATE,
        "check" => CHECK,
        "import" => IMPORT,
        "sweep" => SWEEP,
        "openapi" => OPENAPI,
        "conformance" => CONFORMANCE,
        _ => OVERVIEW,
    }
}

const GENERATE: &str = "\
usage: awsgen generate --spec DIR --out DIR [--crate-name NAME] [--runtime-path DIR | --runtime-registry]

Reads a Smithy 2.0 spec (IDL `.smithy` files or JSON AST `.json` files) and writes
a Rust crate: types, validators for every constraint, and for each service a
trait and a router in each protocol it speaks. One spec error and nothing is
written; only files whose contents changed are rewritten, and files the
generator no longer makes are removed from the crate's src/.

  --spec DIR          a service's spec directory, or a directory of them (one
                      module each)
  --out DIR           where to write the crate (its own workspace)
  --crate-name NAME   the package name (default: the --out directory's name)
  --runtime-path DIR  depend on the runtime crate (awsgen-runtime) at DIR as
                      well as by version, as Cargo.toml writes it (relative to
                      the crate, or absolute)
  --runtime-registry  depend on the runtime by version alone, from a registry

Without either --runtime flag the crate depends on the runtime of the awsgen
clone the command runs in, if any, and otherwise on the registry's.

Warnings are counted by kind; --verbose prints each. A model silences a kind
as it silences Smithy's validators: `metadata suppressions = [{ id: \"Kind\",
namespace: \"*\" }]`, or `@suppress([\"Kind\"])` on a shape.";

const CHECK: &str = "\
usage: awsgen check --spec DIR [--out DIR] [--crate-name NAME] [--runtime-path DIR | --runtime-registry]

Generates in memory and writes nothing: reports the spec's errors and warnings,
and with --out, lists the files of the crate there that `generate` with the same
flags would change (missing, changed or no longer generated). Exits 1 if the
spec has errors or the crate is stale.

  --spec DIR  a service's spec directory, or a directory of them
  --out DIR   a crate generated from it, to compare
  (--crate-name and --runtime-* as for generate)";

const IMPORT: &str = "\
usage: awsgen import (--smithy FILE|DIR | --botocore FILE) [--operations A,B] [--out DIR]

Brings a service's model into a spec directory: the service, its operations
(all, or those named) and every shape they reach, one JSON AST file per
operation plus shared.json. The directory belongs to the import: its *.json
files that the import no longer makes are removed.

  --smithy FILE|DIR  a Smithy model: a JSON AST file (plain or .gz), an IDL
                     file, or a directory of them
  --botocore FILE    a botocore service-2.json (plain or .gz), converted to Smithy
  --operations A,B   only these operations (and what they reach)
  --out DIR          the spec directory (default: specs/<the service's sdkId>)";

const SWEEP: &str = "\
usage: awsgen sweep DIR [--build] [--protocol P[,P...]]

Checks every model under DIR (recursively: *.json and *.json.gz, Smithy JSON
AST or botocore service-2.json; other JSON is skipped): imports and generates
each in memory, printing a line per model as it goes ([n/total]), then one row
per model (protocol, operations, result, first error) and a summary. Exits 1
if any model fails.

  --build          also build the crates in one workspace under target/sweep/
                   (cargo build, clippy and doc, warnings denied)
  --protocol LIST  only models of these protocols (awsJson1_0, awsJson1_1,
                   restJson1, restXml, awsQuery, ec2Query, rpcv2Cbor, rpcv2Json,
                   or awsJson for both awsJson versions); a model of several
                   protocols is kept if any is listed";

const OPENAPI: &str = "\
usage: awsgen openapi --spec DIR --out DIR

Writes an OpenAPI 3.1 document, <Service>.openapi.json, for each restJson1
service of the spec: paths from the HTTP bindings, schemas with the model's
constraints, modelled errors as responses. Services of other protocols are
skipped with a note.

  --spec DIR  a service's spec directory, or a directory of them
  --out DIR   the directory to write the documents into";

const CONFORMANCE: &str = "\
usage: awsgen conformance

Runs Smithy's validation suite and the protocol tests of every protocol served
against the conformance crates of the awsgen clone the command runs in (it
builds them with cargo), and prints the results by protocol and kind. Exits 1
if any case fails.";
