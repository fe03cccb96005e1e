//! `cargo run -p notes-server -- --port 4567`: the Notes service of
//! `examples/notes/specs/notes/notes.smithy`, in memory, on loopback.
//!
//! Everything about the wire (routing by `X-Amz-Target`, reading and
//! validating each request against the model, the errors) is the generated
//! router's; this file is the service's behaviour.

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::SystemTime;

use example_launch::{CommandLine, Options};
use notes_generated::notes::error::NoteNotFound;
use notes_generated::notes::operation::delete_note::{DeleteNoteError, DeleteNoteInput, DeleteNoteOutput};
use notes_generated::notes::operation::get_note::{GetNoteError, GetNoteInput, GetNoteOutput};
use notes_generated::notes::operation::list_notes::{ListNotesError, ListNotesInput, ListNotesOutput};
use notes_generated::notes::operation::put_note::{PutNoteError, PutNoteInput, PutNoteOutput};
use notes_generated::notes::service::{Notes, NotesRouter};
use notes_generated::notes::types::Note;
use notes_generated::runtime::Timestamp;
use notes_generated::runtime::context::RequestContext;

/// The notes, by id.
#[derive(Default)]
struct Store {
    notes: Mutex<BTreeMap<String, Note>>,
}

impl Store {
    fn notes(&self) -> MutexGuard<'_, BTreeMap<String, Note>> {
        // A panicking handler cannot leave a note half-written: each
        // operation changes the map in one call.
        self.notes.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn not_found(id: &str) -> NoteNotFound {
    NoteNotFound { message: format!("no note has the id {id}") }
}

impl Notes for Store {
    async fn put_note(&self, _context: &RequestContext, input: PutNoteInput) -> Result<PutNoteOutput, PutNoteError> {
        let updated = Timestamp::try_from(SystemTime::now()).unwrap_or(Timestamp::UNIX_EPOCH);
        let note = Note { id: input.id, text: input.text, priority: input.priority, tags: input.tags, updated };
        self.notes().insert(note.id.clone(), note.clone());
        Ok(PutNoteOutput { note })
    }

    async fn get_note(&self, _context: &RequestContext, input: GetNoteInput) -> Result<GetNoteOutput, GetNoteError> {
        match self.notes().get(&input.id) {
            Some(note) => Ok(GetNoteOutput { note: note.clone() }),
            None => Err(not_found(&input.id).into()),
        }
    }

    async fn list_notes(
        &self,
        _context: &RequestContext,
        input: ListNotesInput,
    ) -> Result<ListNotesOutput, ListNotesError> {
        let notes = self.notes();
        let start = input.next_token.unwrap_or_default();
        let tagged = |note: &&Note| match &input.tag {
            Some(tag) => note.tags.as_ref().is_some_and(|tags| tags.contains(tag)),
            None => true,
        };
        // `maxResults` is 1 to 100: the model says so and the router checked.
        let page = usize::try_from(input.max_results).unwrap_or(1);
        let mut matching = notes.range(start..).map(|(_, note)| note).filter(tagged);
        let found: Vec<Note> = matching.by_ref().take(page).cloned().collect();
        let next_token = matching.next().map(|note| note.id.clone());
        Ok(ListNotesOutput { notes: found, next_token })
    }

    async fn delete_note(
        &self,
        _context: &RequestContext,
        input: DeleteNoteInput,
    ) -> Result<DeleteNoteOutput, DeleteNoteError> {
        match self.notes().remove(&input.id) {
            Some(_) => Ok(DeleteNoteOutput {}),
            None => Err(not_found(&input.id).into()),
        }
    }
}

const USAGE: &str = "\
usage: notes-server [--port PORT] [--host HOST] [--allow-host NAME ...]

  --port PORT        the port to listen on (default 4567; 0 picks a free one)
  --host HOST        the address to listen on (default 127.0.0.1)
  --allow-host NAME  answer requests for this host name or address too
                     (repeatable); by default only loopback ones are answered

Prints `notes listening on http://<address>`, then serves until Ctrl-C.";

fn main() -> ExitCode {
    // It authenticates no one, so it answers loopback host names only.
    let command_line = CommandLine { usage: USAGE, sigv4: false };
    match command_line.parse(std::env::args_os().skip(1), Options::on_port(4567), |_, _| Ok(false)) {
        Ok(options) => example_launch::run("notes", options, |_| NotesRouter::new(Store::default())),
        Err(code) => code,
    }
}
