/// An expression node and the line it starts on.
struct Expr {
    let kind: ExprKind
    let line: Int
}

indirect enum ExprKind {
    /// An int, float, bool, str or None literal.
    case literal(Value)
    case name(String)
    case formatted([FormattedPiece])
    case list([Expr])
    case tuple([Expr])
    /// `[element for … in … if …]`; generator expressions are evaluated the same way.
    case comprehension(Expr, [ComprehensionClause])
    case unary(UnaryOp, Expr)
    /// Operators of one precedence level applied left to right: `first op₁ e₁ op₂ e₂ …`.
    case arithmetic(Expr, [(BinaryOp, Expr)])
    case power(Expr, Expr)
    /// `and` (true) or `or` (false) over two or more operands, short-circuiting.
    case logical(isAnd: Bool, [Expr])
    case comparison(Expr, [(ComparisonOp, Expr)])
    case conditional(test: Expr, then: Expr, otherwise: Expr)
    case call(Expr, arguments: [Expr], keywords: [(String, Expr)])
    case attribute(Expr, String)
    case subscripted(Expr, Expr)
    /// Only valid as the index of a subscript.
    case slice(lower: Expr?, upper: Expr?, step: Expr?)
}

enum FormattedPiece {
    case text(String)
    case field(Expr, conversion: Unicode.Scalar?, spec: String)
}

enum ComprehensionClause {
    case loop(Target, Expr)
    case filter(Expr)
}

enum UnaryOp {
    case negate, plus, not
}

enum BinaryOp: String {
    case add = "+", subtract = "-", multiply = "*", divide = "/", floorDivide = "//", modulo = "%", power = "**"
}

enum ComparisonOp: String {
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case isIn = "in", notIn = "not in", isSame = "is", isNotSame = "is not"
}

/// The left-hand side of an assignment or a `for` target.
indirect enum Target {
    case name(String)
    case subscripted(Expr, Expr)
    case sequence([Target])
}

struct Stmt {
    let kind: StmtKind
    let line: Int
}

enum StmtKind {
    case expression(Expr)
    /// `a = b = value`: every target receives the value.
    case assign([Target], Expr)
    case augmented(Target, BinaryOp, Expr)
    case branches([(Expr, [Stmt])], otherwise: [Stmt])
    case forLoop(Target, Expr, body: [Stmt], otherwise: [Stmt])
    case whileLoop(Expr, body: [Stmt], otherwise: [Stmt])
    case breakLoop
    case continueLoop
    case pass
    case returnValue(Expr?)
    case function(FunctionDefinition)
    /// `import math [as alias]` or `from math import name [as alias], …`: binds each alias to a math member
    /// (or the module itself when the member is nil).
    case importMath([(member: String?, alias: String)])
    case assert(Expr, message: Expr?)
}

struct Parameter {
    let name: String
    let defaultValue: Expr?
}

/// A parsed `def`. A class so that the (possibly large) body is shared, not copied, by function values.
final class FunctionDefinition {
    let name: String
    let parameters: [Parameter]
    let body: [Stmt]
    /// Names assigned anywhere in the body (Python's local-variable rule).
    let locals: Set<String>

    init(name: String, parameters: [Parameter], body: [Stmt], locals: Set<String>) {
        self.name = name
        self.parameters = parameters
        self.body = body
        self.locals = locals
    }
}
