; The captures extraction works from (src/analysis/index/extract/extractor.ts), delivered
; in the order of their position in the file. Each capture name is one case of the
; extractor's dispatch: a capture added here does nothing until the dispatch handles it.

(function_definition) @func
(call_expression) @call
(assignment_expression) @assign
(compound_literal_expression) @compound
(declaration) @decl
(struct_specifier body: (field_declaration_list)) @struct
(union_specifier body: (field_declaration_list)) @struct
(type_definition) @typedef
(return_statement) @ret
(preproc_include) @include
(preproc_function_def) @macro
(ERROR) @error
