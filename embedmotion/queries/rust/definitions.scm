; Rust definitions.  Capture names (read by embedmotion.parsing):
;   @definition.function / @definition.class   the fragment's node
;   @name          its (unqualified) name
;   @scope.type    an impl block: not a fragment, but the type it implements ("Stack"
;                  in `impl<T> Display for Stack<T>`) qualifies the functions inside,
;                  which become methods: "Stack.push"
;   @scope.module  an inline `mod name { ... }`: qualifies what it contains, as
;                  cargo does ("tests.it_works" for `tests::it_works`)
; Structs, enums, unions and traits count as classes (a trait's default methods are
; "Trait.method").  Attributes written before an item (#[test], #[derive]) are part
; of its fragment.

(function_item
  name: (identifier) @name) @definition.function

(struct_item
  name: (type_identifier) @name) @definition.class

(enum_item
  name: (type_identifier) @name) @definition.class

(union_item
  name: (type_identifier) @name) @definition.class

(trait_item
  name: (type_identifier) @name) @definition.class

(impl_item
  type: (_) @name
  body: (declaration_list)) @scope.type

(mod_item
  name: (identifier) @name
  body: (declaration_list)) @scope.module
