use super::*;

/// The SQL and parameters of an expression, for SQLite.
fn sql(text: &str) -> Result<(String, Vec<Param>), FilterError> {
    let filter = parse(text)?;
    let mut sql = Sql::default();
    filter.to_sql(Backend::Sqlite, &mut sql);
    Ok((sql.text().to_string(), sql.params().to_vec()))
}

fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

#[test]
fn valid_expressions_become_columns_and_placeholders() {
    let cases: &[(&str, &str, Vec<Value>)] = &[
        ("eq(com_nom,Nantes)", "com_nom = $1", vec![text("Nantes")]),
        (
            "and(eq(com_nom,Nantes),eq(etat_fonct,En fonctionnement))",
            "(com_nom = $1 AND etat_fonct = $2)",
            vec![text("Nantes"), text("En fonctionnement")],
        ),
        (
            " or( eq(acc_lib, true) , isnull(acc_lib) ) ",
            "(acc_lib = $1 OR acc_lib IS NULL)",
            vec![Value::Boolean(true)],
        ),
        ("ne(acc,Intérieur)", "acc <> $1", vec![text("Intérieur")]),
        ("lt(gid,100)", "gid < $1", vec![Value::Integer(100)]),
        (
            "ge(lat_coor1,47.5)",
            "lat_coor1 >= $1",
            vec![Value::Number(47.5)],
        ),
        (
            "le(date_instal,2019-12-31)",
            "date_instal <= $1",
            vec![text("2019-12-31")],
        ),
        (
            "gt(long_coor1,-1.25)",
            "long_coor1 > $1",
            vec![Value::Number(-1.25)],
        ),
        ("like(nom,%mairie%)", "nom LIKE $1", vec![text("%mairie%")]),
        (
            "in(com_cp,72500,72340, 72150)",
            "com_cp IN ($1, $2, $3)",
            vec![text("72500"), text("72340"), text("72150")],
        ),
        // Apostrophes and spaces are part of a bare value; quotes protect commas and parentheses.
        (
            "eq(com_nom,L'Isle-Adam)",
            "com_nom = $1",
            vec![text("L'Isle-Adam")],
        ),
        (
            r#"eq(nom,"Mairie (hall), accueil")"#,
            "nom = $1",
            vec![text("Mairie (hall), accueil")],
        ),
        (
            r#"eq(nom,"dit \"le grand\" \\ bis")"#,
            "nom = $1",
            vec![text(r#"dit "le grand" \ bis"#)],
        ),
        (
            "eq(dae_mobile,non)",
            "dae_mobile = $1",
            vec![Value::Boolean(false)],
        ),
        (
            "and(or(eq(gid,1),eq(gid,2)),and(isnull(photo1)))",
            "((gid = $1 OR gid = $2) AND (photo1 IS NULL))",
            vec![Value::Integer(1), Value::Integer(2)],
        ),
    ];
    for (input, expected_sql, expected_binds) in cases {
        let (got_sql, got_binds) = sql(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(&got_sql, expected_sql, "{input}");
        let expected: Vec<Param> = expected_binds.iter().map(Param::from).collect();
        assert_eq!(got_binds, expected, "{input}");
    }
}

#[test]
fn like_ignores_the_case_on_postgres_too() {
    let filter = parse("like(com_nom,nan%)").expect("valid");
    let mut sql = Sql::new("SELECT gid FROM dae WHERE gid > ");
    sql.bind(7_i64).push(" AND ");
    filter.to_sql(Backend::Postgres, &mut sql);
    assert_eq!(
        sql.text(),
        "SELECT gid FROM dae WHERE gid > $1 AND com_nom ILIKE $2"
    );
}

#[test]
fn invalid_expressions_say_where_and_what() {
    // (input, position of the error, words of the message)
    let cases: &[(&str, usize, &str)] = &[
        ("", 1, "condition était attendue"),
        ("eq(com_nom)", 11, "« , » attendu"),
        ("eq(commune,Nantes)", 4, "champ inconnu « commune »"),
        ("equals(com_nom,Nantes)", 1, "opérateur inconnu « equals »"),
        ("eq(com_nom,Nantes", 18, "parenthèse non fermée"),
        ("and(eq(gid,1),eq(gid,2)", 24, "parenthèse non fermée"),
        ("eq(com_nom,Nantes))", 19, "fin de l'expression"),
        ("eq(gid,douze)", 8, "attend un nombre entier"),
        ("eq(lat_coor1,NaN)", 14, "attend un nombre"),
        ("eq(acc_lib,peut-être)", 12, "true ou false"),
        ("eq(date_instal,2019-13-01)", 16, "date AAAA-MM-JJ"),
        ("like(gid,1%)", 1, "champs texte"),
        ("eq(com_nom,)", 12, "valeur était attendue"),
        ("eq(nom,Mairie (hall))", 15, "entre guillemets"),
        (r#"eq(nom,"ouvert)"#, 8, "jamais fermé"),
        (r#"eq(nom,"a\b")"#, 11, "\\ ne précède"),
        ("and()", 5, "condition était attendue"),
        ("isnull(nom,x)", 11, "« ) » attendu"),
        // Hostile text: it never reaches the SQL, it is refused where it stops being the grammar.
        (
            "eq(com_nom,Nantes);DROP TABLE dae",
            19,
            "fin de l'expression",
        ),
        ("eq(com_nom,x' OR '1'='1)", 1, ""),
        (
            "eq(com_nom,Nantes) -- commentaire",
            20,
            "fin de l'expression",
        ),
        ("eq(tel1,0102030405)", 4, "champ inconnu « tel1 »"),
        ("eq(expt_email,a@b.fr)", 4, "champ inconnu « expt_email »"),
        ("eq(num_serie,123)", 4, "champ inconnu « num_serie »"),
    ];
    for (input, position, words) in cases {
        match sql(input) {
            // The quote in a bare value is text: the request is valid and the quote a bound parameter.
            Ok((got, binds)) if words.is_empty() => {
                assert_eq!(got, "com_nom = $1", "{input}");
                assert_eq!(binds, vec![Param::from(&text("x' OR '1'='1"))], "{input}");
            }
            Ok(got) => panic!("{input} was accepted: {got:?}"),
            Err(e) => {
                assert_eq!(e.position, *position, "{input}: {e}");
                assert!(e.message.contains(words), "{input}: {e}");
            }
        }
    }
}

#[test]
fn deep_or_long_expressions_are_refused_without_exhausting_the_stack() {
    let deep = format!("{}eq(gid,1){}", "and(".repeat(10_000), ")".repeat(10_000));
    let refused = parse(&format!("eq(nom,x){deep}"));
    assert!(refused.is_err());
    let nested = format!("{}eq(gid,1){}", "and(".repeat(3_000), ")".repeat(3_000));
    // Past the length limit first.
    assert!(
        parse(&nested)
            .expect_err("refused")
            .message
            .contains("dépasse")
    );
    let nested = format!("{}eq(gid,1){}", "or(".repeat(200), ")".repeat(200));
    let e = parse(&nested).expect_err("refused");
    assert!(e.message.contains("imbrications"), "{e}");
    assert_eq!(e.position, MAX_DEPTH * 3 + 1);
    // The deepest nesting accepted.
    let ok = format!(
        "{}eq(gid,1){}",
        "or(".repeat(MAX_DEPTH),
        ")".repeat(MAX_DEPTH)
    );
    assert!(parse(&ok).is_ok());
    let many = format!("in(gid,{})", vec!["1"; MAX_IN + 1].join(","));
    assert!(
        parse(&many)
            .expect_err("refused")
            .message
            .contains("au plus")
    );
}

#[test]
fn the_documentation_pages_forms_read_as_the_condition_they_carry() {
    let plain = sql("eq(com_nom,Paris)").expect("plain");
    for text in [
        "?_where=eq(com_nom,Paris)",
        "_where=eq(com_nom,Paris)",
        "(eq(com_nom,Paris))",
        " ( (eq(com_nom,Paris)) ) ",
        "?_where=(eq(com_nom,Paris))",
        "eq(comNom,Paris)",
    ] {
        assert_eq!(sql(text).as_ref(), Ok(&plain), "{text}");
    }
    // Parentheses that do not hold the whole, and the grammar otherwise, stay strict.
    for text in [
        "(eq(com_nom,Paris)",
        "(eq(com_nom,Paris)))",
        "(eq(com_nom,Paris))(",
        "?where=eq(com_nom,Paris)",
        "eq(com_nom,Paris)?_where=",
        "(",
        "()",
        "?_where=",
        "   ",
        "eq(ComNom,Paris)",
    ] {
        assert!(sql(text).is_err(), "{text}");
    }
    // A quoted parenthesis is a value's, not the outer pair's.
    assert_eq!(
        sql(r#"(eq(com_nom,"Paris (75)"))"#).map(|(_, p)| p),
        Ok(vec![Param::Text("Paris (75)".into())])
    );
}

#[test]
fn a_condition_wrapped_to_the_longest_length_is_read_in_one_pass() {
    let wrapped = format!("{}eq(com_nom,Paris){}", "(".repeat(1990), ")".repeat(1990));
    assert!(wrapped.chars().count() <= MAX_LENGTH);
    assert_eq!(sql(&wrapped), sql("eq(com_nom,Paris)"));
    let unbalanced = format!("{}eq(com_nom,Paris){}", "(".repeat(1990), ")".repeat(1989));
    assert!(sql(&unbalanced).is_err());
}
