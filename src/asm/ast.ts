// The parsed form of one source line. Columns are 1-based positions in the original line
// (tabs count as one column), so diagnostics can point at the offending token.

export type BinaryOp = '*' | '/' | '%' | '+' | '-' | '<<' | '>>' | '&' | '^' | '|';
export type UnaryOp = '-' | '~' | '+';

export type Expr = NumberExpr | SymbolExpr | HereExpr | UnaryExpr | BinaryExpr;
/** A literal (number or character), already wrapped to a 32-bit signed value. */
export interface NumberExpr {
  readonly k: 'num';
  readonly value: number;
  readonly col: number;
}
/** A name as written: a symbol, a local `.name`, or a register name (checked by the user). */
export interface SymbolExpr {
  readonly k: 'sym';
  readonly name: string;
  readonly col: number;
}
/** `$`: the address of the current statement. */
export interface HereExpr {
  readonly k: 'here';
  readonly col: number;
}
export interface UnaryExpr {
  readonly k: 'un';
  readonly op: UnaryOp;
  readonly arg: Expr;
  readonly col: number;
}
/** `col` is the column of the operator. */
export interface BinaryExpr {
  readonly k: 'bin';
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
  readonly col: number;
}

/**
 * An operand: an expression, a memory operand `[...]` or a string literal (as bytes).
 * It spans columns [col, end) of its line (its text is a macro argument).
 */
export type Operand =
  | { readonly k: 'expr'; readonly expr: Expr; readonly col: number; readonly end: number }
  | { readonly k: 'mem'; readonly expr: Expr; readonly col: number; readonly end: number }
  | { readonly k: 'str'; readonly bytes: Uint8Array; readonly col: number; readonly end: number };

export interface LabelDef {
  readonly name: string;
  readonly col: number;
}

/** `name operands`: an instruction, pseudo-instruction, macro invocation or `.directive`. */
export interface Operation {
  readonly name: string;
  readonly col: number;
  readonly operands: readonly Operand[];
}

/** `NAME = expr` */
export interface Assignment {
  readonly name: string;
  readonly col: number;
  readonly expr: Expr;
}

export interface ParsedLine {
  readonly label: LabelDef | undefined;
  readonly op: Operation | undefined;
  readonly assign: Assignment | undefined;
}
