import SQLiteKit

/// The run database's schema migrations (documented in docs/database.md).
enum AgentSchema {
    static var migrator: Migrator {
        var migrator = Migrator()
        migrator.register("runs, tasks, plans, subproblems, model calls, cache, model identities") { db in
            try db.execute("""
            CREATE TABLE runs (
                id INTEGER PRIMARY KEY,
                command TEXT NOT NULL,
                input TEXT NOT NULL,
                started_at TEXT NOT NULL,
                finished_at TEXT,
                status TEXT NOT NULL,
                planner_path TEXT,
                planner_identity TEXT,
                solver_path TEXT NOT NULL,
                solver_identity TEXT NOT NULL,
                no_plan INTEGER NOT NULL,
                planner_exemplars INTEGER NOT NULL,
                parallel INTEGER NOT NULL,
                max_tokens INTEGER NOT NULL,
                use_cache INTEGER NOT NULL,
                seconds REAL
            );
            CREATE TABLE tasks (
                id INTEGER PRIMARY KEY,
                run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                task_key TEXT NOT NULL,
                line INTEGER,
                task TEXT NOT NULL,
                gold TEXT,
                status TEXT NOT NULL,
                answer TEXT,
                correct INTEGER,
                output TEXT,
                error TEXT,
                seconds REAL NOT NULL,
                finished_at TEXT NOT NULL,
                UNIQUE (run_id, task_key)
            );
            CREATE TABLE plans (
                task_id INTEGER PRIMARY KEY REFERENCES tasks(id) ON DELETE CASCADE,
                status TEXT NOT NULL,
                reason TEXT,
                raw_output TEXT
            );
            CREATE TABLE subproblems (
                id INTEGER PRIMARY KEY,
                task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
                kind TEXT NOT NULL,
                number INTEGER NOT NULL,
                question TEXT NOT NULL,
                refs TEXT NOT NULL,
                resolved_question TEXT,
                output TEXT,
                answer TEXT,
                solved_order INTEGER
            );
            CREATE TABLE model_calls (
                id INTEGER PRIMARY KEY,
                task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
                role TEXT NOT NULL,
                step INTEGER,
                model_identity TEXT NOT NULL,
                cache_key TEXT NOT NULL,
                prompt_tokens INTEGER NOT NULL,
                completion_tokens INTEGER NOT NULL,
                seconds REAL NOT NULL,
                cache_hit INTEGER NOT NULL
            );
            CREATE TABLE cache_entries (
                key TEXT PRIMARY KEY,
                model_identity TEXT NOT NULL,
                role TEXT NOT NULL,
                prompt TEXT NOT NULL,
                sampling TEXT NOT NULL,
                output TEXT NOT NULL,
                prompt_tokens INTEGER NOT NULL,
                completion_tokens INTEGER NOT NULL,
                stop_reason TEXT NOT NULL,
                created_at TEXT NOT NULL
            );
            CREATE TABLE model_identities (
                path TEXT NOT NULL,
                size INTEGER NOT NULL,
                mtime REAL NOT NULL,
                identity TEXT NOT NULL,
                PRIMARY KEY (path, size, mtime)
            );
            CREATE INDEX tasks_by_run ON tasks(run_id);
            CREATE INDEX subproblems_by_task ON subproblems(task_id);
            CREATE INDEX model_calls_by_task ON model_calls(task_id);
            """)
        }
        migrator.register("distilled planner exemplars; the exemplar source of each run") { db in
            try db.execute("""
            ALTER TABLE runs ADD COLUMN exemplar_source TEXT NOT NULL DEFAULT 'builtin';
            CREATE TABLE exemplars (
                id INTEGER PRIMARY KEY,
                source TEXT NOT NULL,
                problem_id TEXT NOT NULL,
                task TEXT NOT NULL,
                plan TEXT NOT NULL,
                model_identity TEXT,
                sample INTEGER,
                run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,
                created_at TEXT NOT NULL,
                UNIQUE (source, problem_id)
            );
            """)
        }
        migrator.register("LoRA trainings of the planner and their steps") { db in
            try db.execute("""
            CREATE TABLE trainings (
                id INTEGER PRIMARY KEY,
                started_at TEXT NOT NULL,
                finished_at TEXT,
                status TEXT NOT NULL,
                base_path TEXT NOT NULL,
                base_identity TEXT NOT NULL,
                data TEXT NOT NULL,
                output TEXT NOT NULL,
                configuration TEXT NOT NULL,
                examples INTEGER NOT NULL,
                total_steps INTEGER NOT NULL,
                seconds REAL
            );
            CREATE TABLE training_steps (
                training_id INTEGER NOT NULL REFERENCES trainings(id) ON DELETE CASCADE,
                step INTEGER NOT NULL,
                loss REAL NOT NULL,
                target_tokens INTEGER NOT NULL,
                tokens INTEGER NOT NULL,
                gradient_norm REAL NOT NULL,
                seconds REAL NOT NULL,
                PRIMARY KEY (training_id, step)
            );
            """)
        }
        migrator.register("the planner's LoRA adapter of each run") { db in
            try db.execute("ALTER TABLE runs ADD COLUMN planner_adapter TEXT")
        }
        migrator.register("how each run answered a plan's subquestions") { db in
            // Runs before this migration answered them one per call.
            try db.execute("ALTER TABLE runs ADD COLUMN steps TEXT NOT NULL DEFAULT 'separately'")
        }
        migrator.register("a training's held-out loss before and after") { db in
            try db.execute("""
            ALTER TABLE trainings ADD COLUMN validation_loss_before REAL;
            ALTER TABLE trainings ADD COLUMN validation_loss_after REAL;
            """)
        }
        migrator.register("the CPU time of each run") { db in
            try db.execute("ALTER TABLE runs ADD COLUMN cpu_seconds REAL")
        }
        migrator.register("reasoning paths: each run's schedule, each answer's path and note, each task's vote share") { db in
            // Runs before this migration solved with chain of thought, with the plan unless --no-plan.
            try db.execute("""
            ALTER TABLE runs ADD COLUMN paths TEXT NOT NULL DEFAULT 'cot+plan';
            UPDATE runs SET paths = 'cot' WHERE no_plan = 1;
            ALTER TABLE subproblems ADD COLUMN path TEXT;
            ALTER TABLE subproblems ADD COLUMN note TEXT;
            ALTER TABLE tasks ADD COLUMN confidence REAL;
            """)
        }
        migrator.register("replies cut at the token limit") { db in
            // Earlier runs kept this only in the note's text.
            try db.execute("ALTER TABLE subproblems ADD COLUMN truncated INTEGER NOT NULL DEFAULT 0")
        }
        migrator.register("each model call's time to first token") { db in
            // Earlier calls did not measure it (and replies from servers were not streamed).
            try db.execute("ALTER TABLE model_calls ADD COLUMN first_token_seconds REAL")
        }
        return migrator
    }
}
