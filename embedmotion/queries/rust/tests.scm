; Rust tests.  Capture names (read by embedmotion.parsing):
;   @test   the test function (the same node the definitions query captures)
;   @name   its name
; Functions carrying a #[test] attribute, or a path ending in ::test such as
; #[tokio::test] / #[async_std::test], or #[rstest] / #[test_case(...)]; other
; attributes may come before or after it.

((attribute_item
   (attribute
     [(identifier) @_attr
      (scoped_identifier name: (identifier) @_attr)]))
 .
 [(attribute_item) (line_comment) (block_comment)]*
 .
 (function_item
   name: (identifier) @name) @test
 (#any-of? @_attr "test" "rstest" "test_case"))
