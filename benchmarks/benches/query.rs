//! Reading an awsQuery request into its typed input: IAM's CreateUser as
//! awscli sends it (a path, three tags, a permissions boundary), read and
//! checked by the generated router's path (`Form::parse`, then the input's
//! reader through the parameters' document), against decoding the same form
//! without checks (serde_urlencoded into its key-value pairs, the floor).
//!
//! `cargo bench -p benchmarks --bench query`; the ratio's budget (1.5x) is in
//! BENCHMARKS.md.

use divan::{Bencher, black_box};
use emulator_generated::iam::operation::create_user::CreateUserRequest;
use emulator_generated::iam::validation::CREATE_USER_REQUEST;
use emulator_generated::runtime::protocol::aws_query::Form;

fn main() {
    divan::Divan::default().sample_size(1000).config_with_args().main();
}

/// CreateUser as awscli 2 sends it (`aws iam create-user --user-name ...
/// --path ... --tags ... --permissions-boundary ...`), 414 bytes.
const CREATE_USER: &[u8] =
    b"Action=CreateUser&Version=2010-05-08&Path=%2Fengineering%2Fplatform%2F&UserName=ada.lovelace\
&PermissionsBoundary=arn%3Aaws%3Aiam%3A%3A000000000000%3Apolicy%2Fboundaries%2Fdevelopers\
&Tags.member.1.Key=team&Tags.member.1.Value=platform&Tags.member.2.Key=cost-center&Tags.member.2.Value=4021\
&Tags.member.3.Key=owner&Tags.member.3.Value=ada%40example.com";

#[divan::bench]
fn ours(bencher: Bencher) {
    let input: CreateUserRequest = Form::parse(CREATE_USER).unwrap().input(&CREATE_USER_REQUEST).unwrap();
    assert_eq!(input.tags.as_ref().map(Vec::len), Some(3));
    bencher.bench(|| {
        let form = Form::parse(black_box(CREATE_USER)).unwrap();
        let input: CreateUserRequest = form.input(&CREATE_USER_REQUEST).unwrap();
        input
    });
}

#[divan::bench]
fn serde_urlencoded_alone(bencher: Bencher) {
    bencher.bench(|| serde_urlencoded::from_bytes::<Vec<(String, String)>>(black_box(CREATE_USER)).unwrap());
}
