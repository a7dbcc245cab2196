@testable import Agent
import Foundation
import LLM
import Testing

struct ReasoningPathTests {
    @Test("Path names parse and print back; unknown names and repeats are refused")
    func parsing() throws {
        for name in ["cot", "pot", "cot+plan", "pot+plan", "pot@3", "cot+plan@12"] {
            #expect(ReasoningPath(name)?.description == name)
        }
        for name in ["", "tot", "pot+", "pot@", "pot@-1", "plan", "pot+plan+plan", "pot@1+plan"] {
            #expect(ReasoningPath(name) == nil, "\(name)")
        }
        let schedule = try PathSchedule(parsing: "pot,pot+plan/cot")
        #expect(schedule.stages.map { $0.map(\.description) } == [["pot", "pot+plan"], ["cot"]])
        #expect(schedule == .standard && schedule.usesPlan)
        #expect(PathSchedule.standard.description == "pot,pot+plan/cot")
        #expect(throws: PathScheduleError.repeated("pot")) { try PathSchedule(parsing: "pot,cot/pot") }
        #expect(throws: PathScheduleError.unknownPath("")) { try PathSchedule(parsing: "pot,,cot") }
        #expect(throws: PathScheduleError.unknownPath("")) { try PathSchedule(parsing: "pot/") }
    }

    @Test("Without a plan, plan paths run plain and a path that then repeats another is dropped")
    func withoutPlan() throws {
        #expect(PathSchedule.standard.withoutPlan.description == "pot/cot")
        #expect(Self.programThenPlan.withoutPlan.description == "pot,pot@1")
        #expect(try PathSchedule(parsing: "pot+plan/pot,cot+plan").withoutPlan.description == "pot/cot")
        #expect(try PathSchedule(parsing: "pot+plan@1,pot@1,pot").withoutPlan.description == "pot@1,pot")
        #expect(!PathSchedule.standard.withoutPlan.usesPlan)
    }

    @Test("The vote: most answers win, numbers compare by value, ties go to the first path, no answer does not vote")
    func vote() {
        let majority = PathVote(["18", "20", "18.0"])
        #expect(majority.answer == "18" && majority.winner == 0 && majority.votes == 2 && majority.paths == 3)
        #expect(abs(majority.share - 2.0 / 3.0) < 1e-12)
        #expect(PathVote(["7", "8"]).answer == "7")
        #expect(PathVote([nil, "8", "7", "7"]).winner == 2)
        #expect(PathVote(["8.0000000001", "$8"]).votes == 2)
        let none = PathVote([nil, nil])
        #expect(none.answer == nil && none.winner == nil && none.share == 0)
        #expect(PathVote(["Paris", "paris."]).votes == 2)
    }

    @Test("A vote is settled once the paths left could not change the winner, ties included")
    func settled() {
        #expect(PathVote.isSettled(["5", "5"], remaining: 1))
        #expect(!PathVote.isSettled(["5", "6"], remaining: 1))
        // A later path can at most tie with the only answer, and ties go to the earlier path.
        #expect(PathVote.isSettled(["5", nil], remaining: 1))
        #expect(!PathVote.isSettled(["5", nil], remaining: 2))
        #expect(PathVote.isSettled(["5", "5", "6"], remaining: 1))
        // "6" came first: one more "6" would tie and win.
        #expect(!PathVote.isSettled(["6", "5", "5"], remaining: 1))
        #expect(PathVote.isSettled([nil], remaining: 0) && !PathVote.isSettled([nil], remaining: 1))
        #expect(!PathVote.isSettled([], remaining: 1))
    }

    @Test("The exact sign test matches the binomial tail")
    func signTest() {
        #expect(PairedComparison.signTest(0, 0) == 1)
        #expect(abs(PairedComparison.signTest(10, 0) - 0.001953125) < 1e-12)
        #expect(abs(PairedComparison.signTest(23, 16) - 0.3367836351899314) < 1e-9)
        #expect(PairedComparison.signTest(16, 23) == PairedComparison.signTest(23, 16))
        #expect(PairedComparison.signTest(5, 5) == 1)
    }

    @Test("Runs pair by task key: discordant counts, the difference and its p-value")
    func pairing() {
        func run(_ id: Int64, _ results: [(String, Bool?)]) -> RunRecord {
            RunRecord(id: id, command: "eval:x", input: "d", startedAt: "", finishedAt: nil, status: "finished",
                      settings: RunSettings(plannerPath: nil, plannerIdentity: nil, solverPath: "s", solverIdentity: "s",
                                            noPlan: true, plannerExemplars: 0, parallel: 1, maxTokens: 1, useCache: false),
                      seconds: nil, cpuSeconds: nil,
                      tasks: results.map { TaskRecord(key: $0.0, line: nil, task: "", gold: "1", answer: nil, correct: $0.1,
                                                      output: nil, error: nil, plan: nil, subproblems: [], calls: [], seconds: 0) })
        }
        let a = run(1, [("1", true), ("2", true), ("3", false), ("4", false), ("5", true), ("6", nil)])
        let b = run(2, [("5", false), ("4", true), ("3", false), ("2", true), ("1", false), ("7", true)])
        let c = PairedComparison("a", a, "b", b)
        #expect(c.problems == 5 && c.bothRight == 1 && c.onlyFirst == 2 && c.onlySecond == 1 && c.bothWrong == 1)
        #expect(abs(c.difference - 20) < 1e-9)
        #expect(c.pValue == PairedComparison.signTest(2, 1))
    }

    @Test("A program path's answer comes from running its program; anything outside the subset gives a note, not an answer")
    func programAnswers() {
        #expect(ProgramAnswer(reply: "```python\nclips = 48\nanswer = clips + clips / 2\n```", cut: false).answer == "72")
        #expect(ProgramAnswer(reply: "Here:\n```python\nprint(3 * 4)\n```\nDone.", cut: false).answer == "12")
        let unsafe = ProgramAnswer(reply: "```python\nimport os\nos.system('rm -rf /')\nanswer = 1\n```", cut: false)
        #expect(unsafe.answer == nil && unsafe.note?.hasPrefix("program: ") == true)
        let endless = ProgramAnswer(reply: "```python\nwhile True:\n    pass\n```", cut: false)
        #expect(endless.answer == nil && endless.note != nil)
        let forgotten = ProgramAnswer(reply: "```python\nx = 3\ntotal = x * 4\n```", cut: false)
        #expect(forgotten.answer == "12" && forgotten.note == "program: no `answer` set; `total`, assigned last, answers")
        #expect(ProgramAnswer(reply: "```python\ndef f():\n    y = 2\n```", cut: false).note == "program: no `answer` set and nothing printed")
        #expect(ProgramAnswer(reply: "", cut: true).answer == nil)
    }

    static let task = TaskItem(id: "clips", task: "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did Natalia sell altogether?",
                               answer: "72", line: 1)
    /// `pot,pot+plan/cot` (the default), spelled out: the tests below depend on its shape.
    static let programsThenProse = PathSchedule(stages: [[ReasoningPath(.pot), ReasoningPath(.pot, usesPlan: true)], [ReasoningPath(.cot)]])
    /// `pot,pot@1/pot+plan`: the plan is needed only when the first two disagree.
    static let programThenPlan = PathSchedule(stages: [[ReasoningPath(.pot), ReasoningPath(.pot, seed: 1)], [ReasoningPath(.pot, usesPlan: true)]])
    static let plan = "1. How many clips did Natalia sell in May?\n2. How many clips did Natalia sell altogether in April and May?"

    /// A solver that answers each path's prompt with `program` (with the plan), `plain` (without), `prose` (chain of thought).
    static func solver(withPlan: String, plain: String, prose: String) -> ScriptedBackend {
        ScriptedBackend(identity: "solver") { prompt in
            if prompt.contains("Subquestions that may help") { return withPlan }
            if prompt.contains("```python") { return plain }
            return prose
        }
    }

    @Test("When the first stage's programs agree, the later stage never runs; every path is in the record")
    func settledEarly() async {
        let planner = ScriptedBackend(identity: "planner") { _ in Self.plan }
        let solver = Self.solver(withPlan: "```python\nmay = 48 / 2\nanswer = 48 + may\n```",
                                 plain: "```python\nanswer = 48 + 24\n```", prose: "The answer is: 70")
        let record = await TaskSolver(planner: planner, solver: solver, cache: nil, maxTokens: 64, paths: Self.programsThenProse).solve(Self.task)
        #expect(record.answer == "72" && record.correct == true && record.confidence == 1)
        #expect(record.subproblems.map(\.path) == ["pot", "pot+plan"])
        #expect(record.subproblems.map(\.kind) == [.program, .program])
        #expect(record.calls.map(\.role) == [.planner, .program, .program])
        #expect(solver.samplings.allSatisfy { $0.stop == SolverPrompt.programStop })
        #expect(solver.maxInFlight == 2)
        let guided = solver.prompts.first { $0.contains("Subquestions") } ?? ""
        #expect(guided.hasPrefix(Self.task.task) && guided.contains("1. How many clips did Natalia sell in May?"))
    }

    @Test("When the programs disagree, chain of thought breaks the tie by majority")
    func thirdPathDecides() async {
        let planner = ScriptedBackend(identity: "planner") { _ in Self.plan }
        let solver = Self.solver(withPlan: "```python\nanswer = 48 + 48 / 2\n```",
                                 plain: "```python\nanswer = 48 * 2\n```", prose: "48 + 24 = 72. The answer is: 72")
        let record = await TaskSolver(planner: planner, solver: solver, cache: nil, maxTokens: 64, paths: Self.programsThenProse).solve(Self.task)
        #expect(record.subproblems.map(\.path) == ["pot", "pot+plan", "cot"])
        #expect(record.subproblems.map(\.answer) == ["96", "72", "72"])
        #expect(record.answer == "72" && abs((record.confidence ?? 0) - 2.0 / 3.0) < 1e-12)
        #expect(record.output == "```python\nanswer = 48 + 48 / 2\n```")
    }

    @Test("A program outside the subset gives no answer and its reason is kept; a later path that can only tie does not run")
    func failedProgram() async {
        let planner = ScriptedBackend(identity: "planner") { _ in Self.plan }
        let solver = Self.solver(withPlan: "```python\nimport os\nanswer = 72\n```",
                                 plain: "```python\nanswer = 48 + 24\n```", prose: "The answer is: 72")
        let record = await TaskSolver(planner: planner, solver: solver, cache: nil, maxTokens: 64, paths: Self.programsThenProse).solve(Self.task)
        #expect(record.subproblems.map(\.path) == ["pot", "pot+plan"])
        #expect(record.subproblems[1].answer == nil && record.subproblems[1].note?.contains("import") == true)
        #expect(record.answer == "72" && record.confidence == 0.5)
        // The same failure in the first path leaves chain of thought to decide.
        let plainFails = Self.solver(withPlan: "```python\nanswer = 72\n```", plain: "```python\nopen('x')\n```",
                                     prose: "The answer is: 70")
        let tie = await TaskSolver(planner: planner, solver: plainFails, cache: nil, maxTokens: 64, paths: Self.programsThenProse).solve(Self.task)
        #expect(tie.subproblems.map(\.path) == ["pot", "pot+plan"])
        #expect(tie.answer == "72")
    }

    @Test("Without a usable plan, the plan's path is not run twice, and chain of thought, which could only tie, does not run")
    func noPlan() async {
        let planner = ScriptedBackend(identity: "planner") { _ in "No decomposition needed." }
        let solver = Self.solver(withPlan: "unused", plain: "```python\nanswer = 72\n```", prose: "The answer is: 72")
        let record = await TaskSolver(planner: planner, solver: solver, cache: nil, maxTokens: 64, paths: Self.programsThenProse).solve(Self.task)
        #expect(record.plan?.status == .direct)
        #expect(record.subproblems.map(\.path) == ["pot"])
        #expect(record.answer == "72" && record.confidence == 1)
    }

    @Test("With pot,pot@1/pot+plan the planner is asked only when the program and its sampled copy disagree")
    func plannerOnlyOnDisagreement() async {
        let planner = ScriptedBackend(identity: "planner") { _ in Self.plan }
        let agreeing = Self.solver(withPlan: "```python\nanswer = 70\n```", plain: "```python\nanswer = 48 + 24\n```", prose: "")
        let settled = await TaskSolver(planner: planner, solver: agreeing, cache: nil, maxTokens: 64, paths: Self.programThenPlan).solve(Self.task)
        #expect(settled.subproblems.map(\.path) == ["pot", "pot@1"])
        #expect(settled.plan?.status == .unneeded && planner.prompts.isEmpty)
        #expect(settled.answer == "72" && settled.confidence == 1)

        let split = ScriptedBackend(identity: "solver") { user, sampling in
            if user.contains("Subquestions that may help") { return "```python\nmay = 48 / 2\nanswer = 48 + may\n```" }
            return sampling.seed == 1 && sampling.temperature > 0 ? "```python\nanswer = 48 * 2\n```" : "```python\nanswer = 48 + 24\n```"
        }
        let decided = await TaskSolver(planner: planner, solver: split, cache: nil, maxTokens: 64, paths: Self.programThenPlan).solve(Self.task)
        #expect(decided.subproblems.map(\.path) == ["pot", "pot@1", "pot+plan"])
        #expect(decided.subproblems.map(\.answer) == ["72", "96", "72"])
        #expect(decided.plan?.status == .planned && planner.prompts.count == 1)
        #expect(decided.calls.map(\.role) == [.program, .program, .planner, .program])
        #expect(decided.answer == "72" && abs((decided.confidence ?? 0) - 2.0 / 3.0) < 1e-12)
    }

    @Test("A sampled copy asks for temperature 0.7 with its seed")
    func sampledCopy() async throws {
        let solver = Self.solver(withPlan: "", plain: "```python\nanswer = 72\n```", prose: "The answer is: 72")
        let record = await TaskSolver(planner: nil, solver: solver, cache: nil, maxTokens: 64,
                                      paths: try PathSchedule(parsing: "pot,pot@5")).solve(Self.task)
        #expect(record.subproblems.map(\.path) == ["pot", "pot@5"])
        let sampled = solver.samplings.first { $0.temperature > 0 }
        #expect(sampled?.temperature == ReasoningPath.sampledTemperature && sampled?.seed == 5)
    }
}

struct ReasoningPathLogTests {
    @Test("The log keeps every path's answer, path and note, the vote share and the run's schedule")
    func roundTrip() async throws {
        let folder = try TemporaryFolder()
        let store = try AgentStore(path: folder.path("runs.db"))
        let planner = ScriptedBackend(identity: "planner") { _ in ReasoningPathTests.plan }
        let solver = ReasoningPathTests.solver(withPlan: "```python\nimport sys\n```", plain: "```python\nanswer = 72\n```",
                                               prose: "The answer is: 72")
        let record = await TaskSolver(planner: planner, solver: solver, cache: nil, maxTokens: 64,
                                      paths: ReasoningPathTests.programsThenProse).solve(ReasoningPathTests.task)
        var settings = testSettings(planner: planner, solver: solver, maxTokens: 64)
        settings.paths = ReasoningPathTests.programsThenProse.description
        let run = try store.startRun(command: "solve", input: "clips", settings: settings)
        try store.recordTask(record, run: run)
        let read = try store.run(run)
        #expect(read.settings.paths == "pot,pot+plan/cot")
        #expect(read.tasks == [record])
        #expect(read.tasks.first?.subproblems.map(\.path) == ["pot", "pot+plan"])
        #expect(read.tasks.first?.subproblems.last?.note?.contains("import") == true)
        #expect(try store.resumableRun(command: "solve", input: "clips", settings: settings) == run)
        settings.paths = "pot"
        #expect(try store.resumableRun(command: "solve", input: "clips", settings: settings) == nil)
        // A run with the cache never resumes one without it (or the reverse); an interrupted run resumes.
        settings.paths = ReasoningPathTests.programsThenProse.description
        settings.useCache.toggle()
        #expect(try store.resumableRun(command: "solve", input: "clips", settings: settings) == nil)
        settings.useCache.toggle()
        try store.interruptRun(run, timer: RunTimer())
        #expect(try store.run(run).status == "interrupted")
        #expect(try store.resumableRun(command: "solve", input: "clips", settings: settings) == run)
    }
}
