$version: "2"

namespace example.notes

use aws.protocols#awsJson1_0

/// Keeps short notes, each under an id its writer chooses.
@awsJson1_0
service Notes {
    version: "2026-12-01"
    operations: [PutNote, GetNote, ListNotes, DeleteNote]
}

/// Writes a note, replacing any note with the same id.
@idempotent
operation PutNote {
    input := with [NoteFields] {
        @required
        id: NoteId
    }

    output := {
        @required
        note: Note
    }
}

/// Reads one note.
@readonly
operation GetNote {
    input := {
        @required
        id: NoteId
    }

    output := {
        @required
        note: Note
    }

    errors: [NoteNotFound]
}

/// Lists notes by id, a page at a time, optionally only those with a tag.
@readonly
@paginated(inputToken: "nextToken", outputToken: "nextToken", pageSize: "maxResults", items: "notes")
operation ListNotes {
    input := {
        tag: Tag

        @range(min: 1, max: 100)
        maxResults: Integer = 20

        nextToken: NoteId
    }

    output := {
        @required
        notes: NoteList

        /// Where the next page starts; absent on the last page.
        nextToken: NoteId
    }
}

/// Deletes a note.
@idempotent
operation DeleteNote {
    input := {
        @required
        id: NoteId
    }

    output := {}

    errors: [NoteNotFound]
}

/// What a writer gives a note.
@mixin
structure NoteFields {
    @required
    @length(min: 1, max: 2000)
    text: String

    priority: Priority = "normal"

    @length(max: 10)
    tags: TagList
}

/// A stored note.
structure Note with [NoteFields] {
    @required
    id: NoteId

    /// When the note was last written.
    @required
    updated: Timestamp
}

/// Lower-case letters, digits and dashes, starting with a letter or digit.
@length(min: 1, max: 64)
@pattern("^[a-z0-9][a-z0-9-]*$")
string NoteId

enum Priority {
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
}

@length(min: 1, max: 32)
string Tag

/// A note's tags, each once.
@uniqueItems
list TagList {
    member: Tag
}

list NoteList {
    member: Note
}

/// No note has the id asked for.
@error("client")
structure NoteNotFound {
    @required
    message: String
}
