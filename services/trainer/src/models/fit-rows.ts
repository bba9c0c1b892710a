/** What a model is fitted on: the `rows` of the row-major matrix `X` (`F` features a row) and every row's label `y`. */
export interface FitRows {
  readonly X: Float32Array;
  readonly y: ArrayLike<number>;
  readonly rows: readonly number[];
  readonly F: number;
}
